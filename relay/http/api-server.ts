/**
 * The token service on its own: the `/api/v1` API and the JWKS without a relay. Useful to manage
 * links and grants while no relay runs, or (with a shared store, in cluster mode) apart from the
 * relays. It has no live sessions of its own to change.
 */
import { createServer } from 'node:http'
import { KeyRing } from '../../auth/keys.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { NO_LIVE_SESSIONS } from '../../auth/service/live-sessions.js'
import { openTokenService } from '../../auth/service/open-token-service.js'
import type { TokenServiceSettings } from '../../auth/service/settings.js'
import { tokenServiceRoutes } from './api.js'
import { announceServer, withdrawServer } from './api-discovery.js'
import type { RelayConfig } from '../config.js'
import { sendError, sendJson } from './http-util.js'
import type { Logger } from '../logger.js'

export interface RunningApiServer {
  /** http://host:port */
  url: string
  createdAdminKeyFile: string | undefined
  close(): Promise<void>
}

export async function startApiServer(config: RelayConfig, settings: TokenServiceSettings, log: Logger): Promise<RunningApiServer> {
  const { ring: keys } = await KeyRing.open(new FileKeyStore(config.dataDir))
  const access = await openTokenService({ config, keys, settings, live: NO_LIVE_SESSIONS, log })
  const api = tokenServiceRoutes(access.service, access.authenticator)
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!
    const answer = async () => {
      if (req.method === 'GET' && path === '/.well-known/jwks.json') return sendJson(res, 200, keys.jwks())
      if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok' })
      if (!(await api(req, res))) sendError(res, 404, 'not_found', `no route for ${req.method} ${path}`)
    }
    answer().catch((error: Error) => {
      log.error({ method: req.method, path, err: error.message }, 'request failed')
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal server error')
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the API server is not listening on TCP')
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  await announceServer(config.dataDir, url)
  return {
    url,
    createdAdminKeyFile: access.createdAdminKeyFile,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await access.close()
      await withdrawServer(config.dataDir)
    },
  }
}
