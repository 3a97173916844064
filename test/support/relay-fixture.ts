/** Shared test fixtures: a real relay on a free port, real tokens, real y-websocket clients. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, afterEach } from 'vitest'
import * as Y from 'yjs'
import { WebsocketProvider as ProviderV3 } from 'y-websocket'
import { WebsocketProvider as ProviderV1 } from 'y-websocket-v1'
import type { RoomScope } from '../../auth/claims.js'
import { mintRoomToken } from '../../auth/tokens.js'
import { DEFAULTS, type RelayConfig } from '../../relay/config.js'
import { createLogger } from '../../relay/logger.js'
import { startRelay, type RunningRelay, type StartOptions } from '../../relay/start.js'
import { RedisConnection } from '../../relay/redis-connection.js'
import { startRedisServer, type RedisServer } from './redis-server.js'

/**
 * The document backend the relays of this run use. vitest's `redis` project runs the behavioural
 * suites again with LECTERN_TEST_BACKEND=redis: same tests, every relay on a private redis-server.
 */
export const testBackend: 'embedded' | 'redis' = process.env.LECTERN_TEST_BACKEND === 'redis' ? 'redis' : 'embedded'

let redisServer: Promise<RedisServer> | null = null

/** This test file's private redis-server, started on first use and removed after the file. */
export function testRedis(): Promise<RedisServer> {
  redisServer ??= startRedisServer({ appendOnly: true })
  return redisServer
}

afterAll(async () => {
  if (redisServer) await (await redisServer).dispose()
  redisServer = null
})

/** Relay settings that put it on the backend under test. */
export async function backendSettings(): Promise<Partial<RelayConfig>> {
  return testBackend === 'redis' ? { redisUrl: (await testRedis()).url } : {}
}

/** Empties the test Redis: a new data directory is a new world, on either backend. */
async function emptyTestRedis(): Promise<void> {
  const server = await testRedis()
  const connection = new RedisConnection(server.url, 'test-reset', createLogger('silent'))
  await connection.connect()
  await connection.command(['FLUSHALL'])
  await connection.close()
}

export interface TestRelay extends RunningRelay {
  dataDir: string
  mint(room: string, scope: RoomScope, options?: { sub?: string; ttlSeconds?: number }): Promise<string>
  /** Stops the relay and removes its data directory. */
  dispose(): Promise<void>
}

export async function makeDataDir(): Promise<string> {
  if (testBackend === 'redis') await emptyTestRedis()
  return mkdtemp(join(tmpdir(), 'lectern-test-'))
}

export function testConfig(dataDir: string, overrides: Partial<RelayConfig> = {}): RelayConfig {
  return { ...DEFAULTS, host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', ...overrides }
}

export async function startTestRelay(
  overrides: Partial<RelayConfig> = {},
  options: StartOptions & { dataDir?: string } = {},
): Promise<TestRelay> {
  const dataDir = options.dataDir ?? (await makeDataDir())
  const config = testConfig(dataDir, { ...(await backendSettings()), ...overrides })
  const running = await startRelay(config, { logger: createLogger('silent'), ...options })
  let closed = false
  return {
    ...running,
    dataDir,
    mint: (room, scope, { sub = 'tester', ttlSeconds = 600 } = {}) =>
      mintRoomToken(
        running.keys,
        { issuer: config.issuer, audience: config.audience, clockToleranceSeconds: config.clockToleranceSeconds },
        { room, scope, sub, ttlSeconds },
      ),
    close: async () => {
      if (closed) return
      closed = true
      await running.close()
    },
    dispose: async () => {
      if (!closed) {
        closed = true
        await running.close()
      }
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export type ProviderVersion = 'v1' | 'v3'

export interface TestClient {
  doc: Y.Doc
  provider: ProviderV1 | ProviderV3
  destroy(): void
}

/** An unmodified y-websocket provider, as an application would create it. */
export function connectClient(
  version: ProviderVersion,
  url: string,
  room: string,
  token: string,
  doc: Y.Doc = new Y.Doc(),
): TestClient {
  // disableBc: providers in one process would otherwise sync over BroadcastChannel, around the relay.
  const options = { params: { token }, disableBc: true, WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket }
  const provider =
    version === 'v1' ? new ProviderV1(url, room, doc, options) : new ProviderV3(url, room, doc, options)
  return {
    doc,
    provider,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, description: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}`)
    await sleep(10)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export async function waitSynced(client: TestClient): Promise<void> {
  await waitFor(() => client.provider.synced, 'provider synced')
}

/** A raw WebSocket client that records every frame and the close. */
export interface RawClient {
  ws: WebSocket
  frames: Buffer[]
  opened: Promise<void>
  closed: Promise<{ code: number; reason: string }>
  send(frame: Uint8Array | string): void
}

export function rawClient(url: string, path: string, token?: string | null): RawClient {
  const query = token ? `?token=${encodeURIComponent(token)}` : ''
  const ws = new WebSocket(`${url}/${path}${query}`)
  const frames: Buffer[] = []
  ws.on('message', (data: Buffer) => frames.push(data))
  ws.on('error', () => undefined)
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('close', () => reject(new Error('closed before opening')))
  })
  opened.catch(() => undefined)
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }))
  })
  return { ws, frames, opened, closed, send: (frame) => ws.send(frame) }
}

export function text(doc: Y.Doc, name = 'text'): string {
  return doc.getText(name).toString()
}

export interface RelayFixture {
  /** The relay the running test started. */
  readonly relay: TestRelay
  start(config?: Partial<RelayConfig>, options?: StartOptions): Promise<TestRelay>
  /** A y-websocket client of the relay, destroyed after the test. */
  connect(version: ProviderVersion, room: string, token: string): TestClient
  /** A raw WebSocket client of the relay, terminated after the test. */
  raw(room: string, token: string | null): RawClient
}

/** One relay per test, with its clients, torn down after each test. Call at the top of a test file. */
export function useTestRelay(): RelayFixture {
  let current: TestRelay | null = null
  const clients: TestClient[] = []
  const raws: RawClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    for (const client of raws.splice(0)) client.ws.terminate()
    await current?.dispose()
    current = null
  })
  return {
    get relay() {
      if (!current) throw new Error('no relay: call start() first')
      return current
    },
    async start(config = {}, options = {}) {
      current = await startTestRelay(config, options)
      return current
    },
    connect(version, room, token) {
      if (!current) throw new Error('no relay: call start() first')
      const client = connectClient(version, current.url, room, token)
      clients.push(client)
      return client
    },
    raw(room, token) {
      if (!current) throw new Error('no relay: call start() first')
      const client = rawClient(current.url, room, token)
      raws.push(client)
      return client
    },
  }
}
