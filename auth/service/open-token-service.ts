/** Assembles the token service: access store, audit log, admin credential, identity, events. */
import type { Logger } from 'pino'
import { AuditLog, type AuditEvent, type AuditSink } from '../audit.js'
import { IdentityVerifier } from '../identity.js'
import type { KeyRing } from '../keys.js'
import type { TokenSettings } from '../tokens.js'
import { SINGLE_NODE, type AccessEvents } from '../store/access-events.js'
import type { AccessStore } from '../store/access-store.js'
import { loadAdminCredential, type SharedAdminHash } from './admin-credential.js'
import { Authenticator } from './authenticator.js'
import { FileAccessStore } from '../store/file-access-store.js'
import { GrantExpiry } from './grant-expiry.js'
import type { LiveGrantSessions } from './live-sessions.js'
import type { TokenServiceSettings } from './settings.js'
import { TokenService } from './token-service.js'

/** Where access data lives and how its changes reach other nodes; closed with the token service. */
export interface AccessBackend {
  store: AccessStore
  events: AccessEvents
  /** Where the cluster's audit goes as well as this node's audit.log. */
  audit?: AuditSink
  /** Where the nodes agree on one admin key, when LECTERN_ADMIN_TOKEN does not give it. */
  adminHash?: SharedAdminHash
}

export interface OpenTokenServiceOptions {
  /** The relay settings the token service shares: where its files are and how tokens are stamped. */
  config: TokenSettings & { dataDir: string }
  keys: KeyRing
  settings: TokenServiceSettings
  live: LiveGrantSessions
  log: Logger
  /** By default the embedded store in the data directory, on a node alone. */
  backend?: AccessBackend
}

export interface OpenedTokenService {
  service: TokenService
  authenticator: Authenticator
  store: AccessStore
  events: AccessEvents
  audit: AuditSink
  /** The admin key file this start created, for telling the operator where it is. */
  createdAdminKeyFile: string | undefined
  /** Lapses timed grants; `sweep()` applies what is due now. */
  expiry: GrantExpiry
  close(): Promise<void>
}

export async function openTokenService(options: OpenTokenServiceOptions): Promise<OpenedTokenService> {
  const { config, settings, log, keys } = options
  const { dataDir } = config
  const backend = options.backend ?? { store: await FileAccessStore.open(dataDir, { clock: keys.clock }), events: SINGLE_NODE }
  const { store, events } = backend
  const admin = await loadAdminCredential(dataDir, settings.adminToken, backend.adminHash)
  const identity = settings.identity ? await IdentityVerifier.create(settings.identity, keys.clock) : null
  const file = await AuditLog.open(dataDir, log)
  const audit = backend.audit ? bothAudits(file, backend.audit) : file
  const tokens: TokenSettings = { issuer: config.issuer, audience: config.audience, clockToleranceSeconds: config.clockToleranceSeconds }
  const service = new TokenService({ store, keys, tokens, settings, audit, live: options.live, events, clock: keys.clock })
  const expiry = new GrantExpiry(store, service.changes, keys.clock, (error) => log.error({ err: error.message }, 'lapsing timed grants failed'))
  // Lapses that fell while nothing ran are applied before the first session or call.
  await expiry.sweep()
  expiry.start()
  return {
    service,
    authenticator: new Authenticator(admin.hash, identity),
    store,
    events,
    audit,
    createdAdminKeyFile: admin.createdFile,
    expiry,
    close: async () => {
      await expiry.stop()
      await events.close()
      await store.close()
      await file.close()
    },
  }
}

function bothAudits(first: AuditSink, second: AuditSink): AuditSink {
  return { record: async (...events: AuditEvent[]) => void (await Promise.all([first.record(...events), second.record(...events)])) }
}
