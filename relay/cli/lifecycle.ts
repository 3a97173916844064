/** Keeps a server command running until SIGTERM or SIGINT, then closes it cleanly. */
import type { Logger } from '../logger.js'

export function stopOnSignals(close: () => Promise<void>, log: Logger, what: string): Promise<number> {
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, `shutting down: ${what}`)
    close()
      .then(() => process.exit(0))
      .catch((error: Error) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  return new Promise<number>(() => undefined)
}
