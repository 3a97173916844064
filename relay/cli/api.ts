/** `lectern api`: runs the token service's HTTP API without a relay. */
import { parseArgs } from 'node:util'
import { startApiServer } from '../http/api-server.js'
import { runningServer } from '../http/api-discovery.js'
import { resolveServerSettings, serverFlags } from './flags.js'
import { stopOnSignals } from './lifecycle.js'
import { createLogger } from '../logger.js'

export async function serveApi(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: serverFlags(), strict: true })
  const { config, tokenService } = resolveServerSettings(values)
  // Two servers on one embedded data directory would each miss the other's changes.
  const other = await runningServer(config.dataDir)
  if (other) throw new Error(`a server (pid ${other.pid}, ${other.url}) is already running on ${config.dataDir}`)
  const log = createLogger(config.logLevel)
  const running = await startApiServer(config, tokenService, log)
  log.info({ api: `${running.url}/api/v1`, dataDir: config.dataDir }, 'lectern token service listening')
  if (running.createdAdminKeyFile) process.stderr.write(adminKeyNotice(running.createdAdminKeyFile))
  return stopOnSignals(running.close, log, 'closing the token service')
}

/** Where the operator finds the admin key; the key itself is never printed or logged. */
export function adminKeyNotice(path: string): string {
  return `\nCreated the server admin key in ${path} (keep it secret). The CLI reads it from there;\n` +
    `API callers send it as "Authorization: Bearer <key>".\n\n`
}
