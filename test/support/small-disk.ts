/**
 * A real, small filesystem (tmpfs) to fill up, for full-disk tests. Mounting needs root; without it
 * the tests are skipped with a message, except under CI=true, where that is a failure.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface SmallDisk {
  path: string
  /** Writes a file until the filesystem has no space left. */
  fill(): Promise<void>
  /** Removes the filler: space is back. */
  free(): Promise<void>
  unmount(): Promise<void>
}

export async function mountSmallDisk(sizeBytes: number): Promise<SmallDisk | string> {
  const path = await mkdtemp(join(tmpdir(), 'lectern-disk-'))
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', path])
  } catch (error) {
    await rm(path, { recursive: true, force: true })
    const message = `cannot mount a tmpfs (root is needed): ${(error as Error).message.split('\n')[0]}`
    if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it`)
    return message
  }
  const filler = join(path, 'filler')
  return {
    path,
    fill: async () => {
      const handle = await open(filler, 'a')
      const chunk = Buffer.alloc(4096, 1)
      try {
        for (;;) await handle.write(chunk)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
      } finally {
        await handle.close()
      }
    },
    free: () => rm(filler, { force: true }),
    unmount: async () => {
      await run('umount', ['-l', path])
      await rm(path, { recursive: true, force: true })
    },
  }
}
