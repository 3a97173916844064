/**
 * One process at a time writes an embedded data directory: two servers on one directory overwrite
 * each other's grants and room logs. The lock is a listening Unix socket named after the
 * directory's device and inode. On Linux it lives in the abstract namespace, so the kernel drops it
 * the moment its process dies (even by `kill -9`): nothing is left behind to be mistaken for a
 * live holder, and no pid is trusted, so a pid reused by another process fools nothing. Elsewhere
 * the socket is a file in the directory; one that nobody answers on is stale and taken over. The
 * holder answers whoever connects with who it is, so a refusal can name it.
 */
import { createConnection, createServer, type Server } from 'node:net'
import { createHash } from 'node:crypto'
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

export interface LockHolder {
  pid: number
  command: string
  since: string
}

export class DataDirBusy extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `the data directory ${dataDir} is in use by "lectern ${holder.command}" (pid ${holder.pid}, since ${holder.since}); stop it first, or let the CLI go through it`
        : `the data directory ${dataDir} is in use by another lectern process`,
    )
    this.name = 'DataDirBusy'
  }
}

export interface DataDirLock {
  release(): Promise<void>
}

/** Takes the data directory for this process (`command` names it to whoever is refused). */
export async function lockDataDir(dataDir: string, command: string): Promise<DataDirLock> {
  const address = await lockAddress(dataDir)
  const holder: LockHolder = { pid: process.pid, command, since: new Date().toISOString() }
  const server = createServer((socket) => socket.end(JSON.stringify(holder)))
  // The lock must not keep a finished CLI command running.
  server.unref()
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, address)
      return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw new Error(`cannot lock the data directory ${dataDir}`, { cause: error })
      const other = await askHolder(address)
      if (other !== 'nobody' || address.startsWith('\0') || attempt > 0) throw new DataDirBusy(dataDir, other === 'nobody' ? undefined : other)
      // A socket file left by a process that died: nobody answers on it.
      await rm(address, { force: true })
    }
  }
}

async function lockAddress(dataDir: string): Promise<string> {
  const { dev, ino } = await stat(dataDir)
  if (process.platform === 'linux') return `\0lectern-data-dir-${createHash('sha256').update(`${dev}:${ino}`).digest('hex').slice(0, 32)}`
  return join(dataDir, '.lock.sock')
}

function listen(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(address, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** Who holds the lock, 'nobody' when no process answers (a stale socket file), undefined if it said nothing usable. */
function askHolder(address: string): Promise<LockHolder | undefined | 'nobody'> {
  return new Promise((resolve) => {
    let text = ''
    const socket = createConnection(address)
    socket.setTimeout(2000, () => socket.destroy())
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'nobody' : undefined))
    socket.on('close', () => {
      try {
        resolve(JSON.parse(text) as LockHolder)
      } catch {
        resolve(undefined)
      }
    })
  })
}
