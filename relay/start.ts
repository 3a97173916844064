/** Assembles a running relay from a configuration: keys, store, rooms, HTTP server. */
import { KeyRing } from '../auth/keys.js'
import type { RelayConfig } from './config.js'
import { FileDocumentStore } from './file-store.js'
import { createLogger, type Logger } from './logger.js'
import { createMetricsRegistry, RelayCounters } from './metrics.js'
import { Relay } from './relay.js'
import { RelayServer, type AdmissionPolicy, type RouteHandler } from './server.js'
import type { DocumentStore } from './storage.js'

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
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  store?: DocumentStore
  admission?: AdmissionPolicy
  routes?: RouteHandler[]
}

export async function startRelay(config: RelayConfig, options: StartOptions = {}): Promise<RunningRelay> {
  const log = options.logger ?? createLogger(config.logLevel)
  const { ring: keys, created: createdKey } = await KeyRing.open(config.dataDir)
  let store = options.store
  if (!store) {
    const fileStore = new FileDocumentStore(config.dataDir, config.flushIntervalMs, config.compactAfterBytes)
    fileStore.onWriteError((error, room) => log.error({ room, err: error.message }, 'writing a room to disk failed'))
    store = fileStore
  }
  const counters = new RelayCounters()
  const relay = new Relay(config, store, counters, log)
  const metrics = createMetricsRegistry(counters, {
    sessions: () => relay.sessions.size,
    rooms: () => relay.rooms.size,
  })
  const parts = { config, relay, keys, metrics, log }
  const server = new RelayServer({
    ...parts,
    ...(options.admission ? { admission: options.admission } : {}),
    ...(options.routes ? { routes: options.routes } : {}),
  })
  const { host, port } = await server.listen()
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    config,
    relay,
    server,
    keys,
    log,
    url: `ws://${urlHost}:${port}`,
    port,
    createdKey,
    close: () => server.close(),
  }
}
