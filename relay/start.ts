/** Assembles a running relay from a configuration: keys, store, rooms, token service, HTTP server. */
import { SYSTEM_CLOCK, type Clock } from '../auth/clock.js'
import { ensurePrivateDirectory } from '../auth/files.js'
import { KeyRing } from '../auth/keys.js'
import { FileKeyStore } from '../auth/store/file-key-store.js'
import type { KeyStore } from '../auth/store/key-store.js'
import { followClusterAccess } from './access/cluster-access.js'
import { openRedisAccess } from './access/redis-access.js'
import { GrantAdmission } from './access/grant-admission.js'
import { LocalGrantSessions } from './access/local-grant-sessions.js'
import { openTokenService, type AccessBackend } from '../auth/service/open-token-service.js'
import { TOKEN_SERVICE_DEFAULTS, type TokenServiceSettings } from '../auth/service/settings.js'
import { tokenServiceRoutes } from './http/api.js'
import { announceServer, withdrawServer } from './http/api-discovery.js'
import type { RelayConfig } from './config.js'
import { FileDocumentStore } from './storage/file-document-store.js'
import { createLogger, type Logger } from './logger.js'
import { RelayCounters } from './core/counters.js'
import { createMetricsRegistry } from './http/metrics.js'
import { Relay } from './core/relay.js'
import { RelayServer } from './http/server.js'
import { webPageRoutes } from './http/web-pages.js'
import type { DocumentStore } from './storage/document-store.js'
import { RedisDocumentStore } from './storage/redis/redis-document-store.js'
import { RedisConnection } from './redis-connection.js'

export interface RunningRelay {
  config: RelayConfig
  relay: Relay
  server: RelayServer
  keys: KeyRing
  log: Logger
  /** ws://host:port of the listening relay. */
  url: string
  port: number
  /** True when this start created the first signing key. */
  createdKey: boolean
  /** The server admin key file, when this start created it. */
  createdAdminKeyFile: string | undefined
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  store?: DocumentStore
  tokenService?: TokenServiceSettings
  /** Signing keys; by default the files in the data directory. */
  keyStore?: KeyStore
  /** Grants, links and their change events; by default the embedded store, on a node alone. */
  access?: AccessBackend
  /** The time tokens, links and keys expire by. */
  clock?: Clock
}

export async function startRelay(config: RelayConfig, options: StartOptions = {}): Promise<RunningRelay> {
  const log = options.logger ?? createLogger(config.logLevel)
  await ensurePrivateDirectory(config.dataDir)
  const clock = options.clock ?? SYSTEM_CLOCK
  // Cluster mode: one Redis connection per node, shared by the backends that live in Redis.
  const redis = config.redisUrl ? await connectRedis(config, log) : null
  const shared = redis ? await openRedisAccess(redis, config.nodeId, log) : null
  const keyStore = options.keyStore ?? shared?.keyStore ?? new FileKeyStore(config.dataDir)
  const { ring: keys, created: createdKey } = await KeyRing.open(keyStore, clock)
  const counters = new RelayCounters()
  const store = options.store ?? (redis ? await openRedisDocuments(redis, config, log) : openFileDocuments(config, log, counters))
  const relay = new Relay(config, store, counters, log, clock)
  const metrics = createMetricsRegistry(counters, {
    sessions: () => relay.sessions.size,
    rooms: () => relay.rooms.size,
    storeUp: () => (relay.storeHealth().ok ? 1 : 0),
    storageDegraded: () => {
      const health = relay.storeHealth()
      return health.ok && health.degraded ? 1 : 0
    },
  })
  const live = new LocalGrantSessions(relay)
  const backend = options.access ?? shared?.access
  const tokenService = options.tokenService ?? TOKEN_SERVICE_DEFAULTS
  const access = await openTokenService({
    config,
    keys,
    settings: tokenService,
    live,
    log,
    ...(backend ? { backend } : {}),
  })
  const unfollow = followClusterAccess({ events: access.events, store: access.store, live, keys, audit: access.audit, log })
  const server = new RelayServer({
    config,
    relay,
    keys,
    metrics,
    log,
    admission: new GrantAdmission(access.store, live, log, keys.clock),
    routes: [
      tokenServiceRoutes(access.service, access.authenticator, tokenService.trustProxy, () =>
        [...relay.rooms.values()].map((room) => ({ room: room.name, sessions: room.sessions.size }))),
      await webPageRoutes(),
    ],
  })
  const { host, port } = await server.listen()
  const urlHost = host.includes(':') ? `[${host}]` : host
  await announceServer(config.dataDir, `http://${urlHost}:${port}`)
  return {
    config,
    relay,
    server,
    keys,
    log,
    url: `ws://${urlHost}:${port}`,
    port,
    createdKey,
    createdAdminKeyFile: access.createdAdminKeyFile,
    close: async () => {
      unfollow()
      await server.close()
      await access.close()
      await redis?.close()
      await withdrawServer(config.dataDir)
    },
  }
}

async function connectRedis(config: RelayConfig, log: Logger): Promise<RedisConnection> {
  const redis = new RedisConnection(config.redisUrl, `lectern-${config.nodeId}`, log)
  await redis.connect()
  return redis
}

async function openRedisDocuments(redis: RedisConnection, config: RelayConfig, log: Logger): Promise<DocumentStore> {
  const store = new RedisDocumentStore(redis, { nodeId: config.nodeId, compactAfterBytes: config.compactAfterBytes }, log)
  await store.start()
  return store
}

function openFileDocuments(config: RelayConfig, log: Logger, counters: RelayCounters): DocumentStore {
  const store = new FileDocumentStore(config.dataDir, config.flushIntervalMs, config.compactAfterBytes)
  store.report({
    writeFailed: (error, room, repeated) => {
      counters.storageWriteFailures++
      // One line when a room starts failing, not one per retry.
      if (!repeated) log.error({ room, err: error }, 'writing a room to disk failed; kept in memory, retrying')
    },
    writeRecovered: (room) => log.info({ room }, 'writing a room to disk works again'),
    damaged: (room, dropped) => {
      counters.storageDamage++
      log.error({ room, dropped }, 'damaged room file')
    },
  })
  return store
}
