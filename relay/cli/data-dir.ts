/**
 * Which data directory a command works on. Only `serve` and `api` create one; every other
 * command finds an existing one (`--data-dir`, `LECTERN_DATA_DIR`, `./lectern-data`, or the one
 * of the single server running for this user), or says where it looked and fails.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { DEFAULTS, RELAY_FLAG_ROWS } from '../config.js'
import type { FlagRow } from '../settings.js'
import type { FlagValues } from './command.js'
import { OperationFailed } from './failure.js'
import { registeredServers, runtimeDir, type RegisteredServer } from './server-registry.js'

export const DATA_DIR_FLAG: FlagRow = {
  flag: 'data-dir',
  env: 'LECTERN_DATA_DIR',
  placeholder: 'DIR',
  default: `${DEFAULTS.dataDir}, else the running server's`,
  description: 'the data directory (an existing one: only serve and api create it)',
}

/** `--redis URL` (or LECTERN_REDIS_URL): act on a cluster's Redis instead of a data directory. */
export const REDIS_FLAG: FlagRow = RELAY_FLAG_ROWS.find((row) => row.flag === 'redis')!

export interface LocatedDataDir {
  dataDir: string
  /** The server found in the well-known place, when that is how the directory was found. */
  server?: RegisteredServer
}

export async function locateDataDir(values: FlagValues, env: NodeJS.ProcessEnv = process.env): Promise<LocatedDataDir> {
  const flag = values['data-dir']
  const explicit = typeof flag === 'string' ? { path: flag, source: '--data-dir' } : env.LECTERN_DATA_DIR ? { path: env.LECTERN_DATA_DIR, source: 'LECTERN_DATA_DIR' } : undefined
  if (explicit) {
    const dataDir = resolve(explicit.path)
    if (await isDirectory(dataDir)) return { dataDir }
    throw new OperationFailed(`no data directory at ${dataDir} (from ${explicit.source}); ${HOW_TO_POINT}`, 1, NO_DATA_DIR)
  }
  const fallback = resolve(DEFAULTS.dataDir)
  if (await isDirectory(fallback)) return { dataDir: fallback }
  const servers = await registeredServers()
  if (servers.length === 1) return { dataDir: servers[0]!.dataDir, server: servers[0]! }
  if (servers.length > 1) {
    const list = servers.map((server) => `${server.url} (data directory ${server.dataDir})`).join(', ')
    throw new OperationFailed(`several servers are running: ${list}; say which with --data-dir or --server`, 1)
  }
  throw new OperationFailed(
    `no data directory: looked for ${fallback} and for a running server in ${runtimeDir(env)}; ${HOW_TO_POINT}`,
    1,
    NO_DATA_DIR,
  )
}

const NO_DATA_DIR = { code: 'no_data_dir' }
const HOW_TO_POINT = 'start one with "lectern serve", or point at it with --data-dir DIR, LECTERN_DATA_DIR or --server URL'

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
