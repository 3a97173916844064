/**
 * The token service on its own: the `/api/v1` API and the JWKS without a relay. Useful to manage
 * links and grants while no relay runs, or (with a shared store, in cluster mode) apart from the
 * relays. It has no live sessions of its own to change.
 */
import { KeyRing } from '../../auth/keys.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { NO_LIVE_SESSIONS } from '../../auth/service/live-sessions.js'
import { openTokenService } from '../../auth/service/open-token-service.js'
import type { TokenServiceSettings } from '../../auth/service/settings.js'
import { tokenServiceRoutes } from './api.js'
import { announceServer, withdrawServer } from './api-discovery.js'
import type { RelayConfig } from '../config.js'
import { createRoutedServer, healthRoute, jwksRoute, listen } from './http-server.js'
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
  const server = createRoutedServer(
    [jwksRoute(keys), healthRoute(() => ({ ok: true, body: { status: 'ok' } })), tokenServiceRoutes(access.service, access.authenticator, settings.trustProxy)],
    log,
  )
  const { url } = await listen(server, config.host, config.port)
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
