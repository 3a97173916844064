/**
 * `lectern serve` (the relay, with the token service's API) and `lectern api` (the token service
 * alone). Both take every relay and token service setting, and are the only commands that create
 * a data directory. Logs are JSON on stdout; what a person reads at start-up goes to stderr, so
 * `lectern serve | jq` works.
 */
import { resolveConfig, RELAY_FLAG_ROWS } from '../config.js'
import { mkdir } from 'node:fs/promises'
import { PRIVATE_DIRECTORY_MODE } from '../../auth/files.js'
import type { RelayConfig } from '../config.js'
import { lockDataDir, type DataDirLock } from '../data-dir-lock.js'
import { createLogger } from '../logger.js'
import type { FlagRow } from '../settings.js'
import { resolveTokenServiceSettings, TOKEN_SERVICE_FLAG_ROWS } from '../token-service-config.js'
import type { Command, FlagValues } from './command.js'
import { stopOnSignals } from './lifecycle.js'
import { registerServer } from './server-registry.js'

const SERVER_FLAGS: readonly FlagRow[] = [...RELAY_FLAG_ROWS, ...TOKEN_SERVICE_FLAG_ROWS]

function resolveServerSettings(values: FlagValues) {
  const config = resolveConfig(values)
  return { config, tokenService: resolveTokenServiceSettings(values, process.env, config.clockToleranceSeconds) }
}

export const SERVE: Command = {
  name: 'serve',
  positionals: [],
  summary: 'Runs the relay and the token service API on one port, creating the data directory if needed.',
  flags: SERVER_FLAGS,
  async run({ values }) {
    const { config, tokenService } = resolveServerSettings(values)
    const lock = await lockEmbedded(config, 'serve')
    // Loaded here, not at the top: the other commands start faster without the relay's modules.
    const { startRelay } = await import('../start.js')
    const running = await startRelay(config, { tokenService })
    const unregister = await registerServer(running.url.replace(/^ws/, 'http'), config.dataDir)
    running.log.info(
      { listening: `${running.url}/ROOM`, dataDir: config.dataDir, backend: config.redisUrl ? 'redis' : 'embedded', node: config.nodeId },
      'lectern relay listening',
    )
    process.stderr.write(`Lectern relay on ${running.url}, data in ${config.dataDir}.\n`)
    if (running.createdKey) {
      process.stderr.write(
        (config.redisUrl
          ? `Created the cluster's first signing key in Redis.\nMint a token:  npx lectern token mint --room my-room --scope write --redis REDIS_URL\n`
          : `Created a signing key in ${config.dataDir}/keys.\nMint a token:  npx lectern token mint --room my-room --scope write\n`) +
          `Connect:       new WebsocketProvider('${running.url}', 'my-room', doc, { params: { token } })\n`,
      )
    }
    if (running.createdAdminKeyFile) process.stderr.write(adminKeyNotice(running.createdAdminKeyFile))
    return stopOnSignals(async () => {
      await running.close()
      await unregister()
      await lock?.release()
    }, running.log, 'saving rooms')
  },
}

export const API: Command = {
  name: 'api',
  positionals: [],
  summary: 'Runs the token service API (links, grants, keys) without a relay; refuses to start beside a running server.',
  flags: SERVER_FLAGS,
  async run({ values }) {
    const { config, tokenService } = resolveServerSettings(values)
    const lock = await lockEmbedded(config, 'api')
    const log = createLogger(config.logLevel)
    const { startApiServer } = await import('../http/api-server.js')
    const running = await startApiServer(config, tokenService, log)
    const unregister = await registerServer(running.url, config.dataDir)
    log.info({ api: `${running.url}/api/v1`, dataDir: config.dataDir }, 'lectern token service listening')
    process.stderr.write(`Lectern token service on ${running.url}/api/v1, data in ${config.dataDir}.\n`)
    if (running.createdAdminKeyFile) process.stderr.write(adminKeyNotice(running.createdAdminKeyFile))
    return stopOnSignals(async () => {
      await running.close()
      await unregister()
      await lock?.release()
    }, log, 'closing the token service')
  },
}

/**
 * Takes the embedded data directory for this server's life: a second server on it would overwrite
 * this one's grants and room logs. With --redis the shared state is in Redis, and nodes may share a host.
 */
async function lockEmbedded(config: RelayConfig, command: string): Promise<DataDirLock | undefined> {
  if (config.redisUrl) return undefined
  await mkdir(config.dataDir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE })
  return lockDataDir(config.dataDir, command)
}

/** Where the operator finds the admin key; the key itself is never printed or logged. */
function adminKeyNotice(path: string): string {
  return `Created the server admin key in ${path} (keep it secret). The CLI reads it from there;\n` +
    `API callers send it as "Authorization: Bearer <key>".\n`
}
