/**
 * A cluster for tests: a private redis-server and 2–3 `lectern serve --redis` processes on it, each
 * with its own data directory, tokens minted with the cluster's shared signing keys.
 */
import { rm } from 'node:fs/promises'
import * as Y from 'yjs'
import type { RoomScope } from '../../auth/claims.js'
import { KeyRing } from '../../auth/keys.js'
import { RedisKeyStore } from '../../auth/store/redis/redis-key-store.js'
import { mintRoomToken } from '../../auth/tokens.js'
import { DEFAULTS } from '../../relay/config.js'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection, type RedisReply } from '../../relay/redis-connection.js'
import { LOAD_SCRIPT, roomKeys } from '../../relay/storage/redis/keys.js'
import { decodeEntry } from '../../relay/storage/redis/stream-entry.js'
import { parseEntries } from '../../relay/storage/redis/stream-reader.js'
import { serveProcess, type ServeProcess } from './process.js'
import { startRedisServer, type RedisServer, type RedisServerOptions } from './redis-server.js'
import { connectClient, makeDataDir, text, waitFor, waitSynced, type TestClient } from './relay-fixture.js'

export interface TestCluster {
  readonly redis: RedisServer
  /** The running nodes by index; a killed node's slot keeps its last process. */
  readonly nodes: ServeProcess[]
  /** Each node's data directory, by index (node 0's holds the cluster's admin.key). */
  readonly dataDirs: readonly string[]
  /** A direct connection to the cluster's Redis, for inspecting what it holds. */
  readonly inspect: RedisConnection
  mint(room: string, scope: RoomScope, sub?: string): Promise<string>
  /** Starts node `index` again (same node id and data directory). */
  restartNode(index: number): Promise<ServeProcess>
  /** The room's text as Redis holds it (snapshot + stream), read without any node. */
  storedText(room: string): Promise<string>
  /** GET /metrics of a node, as text. */
  metrics(index: number): Promise<string>
  /** GET /healthz of a node. */
  health(index: number): Promise<{ status: number; body: { status: string; reason?: string } }>
  dispose(): Promise<void>
}

export interface ClusterOptions extends RedisServerOptions {
  nodes: number
  /** Extra `lectern serve` flags for every node. */
  args?: string[]
}

export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const redis = await startRedisServer(options)
  const dirs = await Promise.all(Array.from({ length: options.nodes }, () => makeDataDir()))
  const start = (index: number) =>
    serveProcess(dirs[index]!, ['--redis', redis.url, '--node-id', `node-${index}`, ...(options.args ?? [])])
  const nodes: ServeProcess[] = []
  // One at a time: the first node creates the signing key and admin hash the others then share.
  for (let index = 0; index < options.nodes; index++) nodes.push(await start(index))
  const inspect = new RedisConnection(redis.url, 'test-inspect', createLogger('silent'))
  await inspect.connect()
  const { ring } = await KeyRing.open(new RedisKeyStore(inspect))
  return {
    redis,
    nodes,
    dataDirs: dirs,
    inspect,
    mint: (room, scope, sub = 'tester') =>
      mintRoomToken(ring, { issuer: DEFAULTS.issuer, audience: DEFAULTS.audience, clockToleranceSeconds: 5 }, { room, scope, sub, ttlSeconds: 600 }),
    restartNode: async (index) => {
      nodes[index] = await start(index)
      return nodes[index]!
    },
    storedText: async (room) => {
      const keys = roomKeys(room)
      const [state, , entries] = (await inspect.command(['EVAL', LOAD_SCRIPT, '2', keys.snapshot, keys.stream])) as RedisReply[]
      const doc = new Y.Doc()
      if (Buffer.isBuffer(state)) Y.applyUpdate(doc, state)
      for (const entry of parseEntries(entries ?? null)) {
        const { update } = decodeEntry(entry)
        if (update) Y.applyUpdate(doc, update)
      }
      return doc.getText('text').toString()
    },
    metrics: async (index) => (await fetch(`http://127.0.0.1:${nodes[index]!.port}/metrics`)).text(),
    health: async (index) => {
      const response = await fetch(`http://127.0.0.1:${nodes[index]!.port}/healthz`)
      return { status: response.status, body: (await response.json()) as { status: string; reason?: string } }
    },
    dispose: async () => {
      await Promise.all(nodes.map((node) => node.stop('SIGKILL')))
      await inspect.close()
      await redis.dispose()
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
    },
  }
}

/**
 * A client on node 0 and one on node 1 of `room`; `edit`, typed on node 0, has reached node 1.
 * The caller destroys the clients.
 */
export async function editAcrossNodes(cluster: TestCluster, room: string, edit: string): Promise<TestClient[]> {
  const clients: TestClient[] = []
  for (const index of [0, 1]) {
    const client = connectClient('v3', cluster.nodes[index]!.url, room, await cluster.mint(room, 'write', `node-${index}-user`))
    clients.push(client)
    await waitSynced(client)
  }
  clients[0]!.doc.getText('text').insert(0, edit)
  await waitFor(() => text(clients[1]!.doc) === edit, 'the edit crossed nodes')
  return clients
}
