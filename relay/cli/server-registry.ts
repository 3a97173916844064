/**
 * A well-known place where `lectern serve` and `lectern api` say they are running, so a command
 * run from another folder finds the server (and its data directory) instead of making a second
 * data directory. One file per server process: `<runtime dir>/<pid>.json`.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { isAlive } from '../http/api-discovery.js'

export interface RegisteredServer {
  pid: number
  /** http://host:port of the server's API. */
  url: string
  dataDir: string
}

/** `LECTERN_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/lectern`, else a per-user folder in the temp directory. */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LECTERN_RUNTIME_DIR) return env.LECTERN_RUNTIME_DIR
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'lectern')
  return join(tmpdir(), `lectern-${userInfo().uid}`)
}

/** Records this process as a running server; the returned function removes the record. */
export async function registerServer(url: string, dataDir: string): Promise<() => Promise<void>> {
  const directory = runtimeDir()
  await mkdir(directory, { recursive: true, mode: 0o700 })
  const file = join(directory, `${process.pid}.json`)
  const record: RegisteredServer = { pid: process.pid, url, dataDir }
  await writeFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 })
  return () => rm(file, { force: true })
}

/** The servers whose process is still alive (a record left by a killed one is ignored). */
export async function registeredServers(): Promise<RegisteredServer[]> {
  const directory = runtimeDir()
  let names: string[]
  try {
    names = await readdir(directory)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const servers: RegisteredServer[] = []
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    try {
      const record = JSON.parse(await readFile(join(directory, name), 'utf8')) as Partial<RegisteredServer>
      if (typeof record.pid === 'number' && typeof record.url === 'string' && typeof record.dataDir === 'string' && isAlive(record.pid)) {
        servers.push(record as RegisteredServer)
      }
    } catch {
      // A record being written or removed right now: not a server to use.
    }
  }
  return servers
}
