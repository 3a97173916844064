/**
 * Faults of a cluster, each with a real private redis-server and real `lectern serve --redis`
 * processes: Redis unreachable, a node killed while writers edit, Redis restarted with AOF, and a
 * slow consumer that must not slow anyone else.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '../../protocol/close-codes.js'
import { startCluster, type ClusterOptions, type TestCluster } from '../support/cluster.js'
import { redisSkipReason } from '../support/redis-server.js'
import { connectClient, rawClient, text, waitFor, waitSynced, type RawClient, type TestClient } from '../support/relay-fixture.js'
import { startTcpBalancer, type TcpBalancer } from '../support/tcp-balancer.js'

const FAULT_TIMEOUT_MS = 120_000

describe.skipIf(redisSkipReason)('cluster faults', () => {
  let cluster: TestCluster | null = null
  let balancer: TcpBalancer | null = null
  const clients: TestClient[] = []
  const raws: RawClient[] = []

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    for (const raw of raws.splice(0)) raw.ws.terminate()
    await balancer?.close()
    await cluster?.dispose()
    balancer = null
    cluster = null
  })

  async function start(options: ClusterOptions): Promise<TestCluster> {
    cluster = await startCluster(options)
    return cluster
  }

  async function join(url: string, room: string, sub: string, version: 'v1' | 'v3' = 'v3'): Promise<TestClient> {
    const client = connectClient(version, url, room, await cluster!.mint(room, 'write', sub))
    clients.push(client)
    await waitSynced(client)
    return client
  }

  it('Redis unreachable: 503 with the reason, sessions closed and refused with 4500, nothing lost, recovery by itself', async () => {
    const { nodes, redis, health } = await start({ nodes: 2, appendOnly: true })
    const room = 'faults/redis-down'
    const ada = await join(nodes[0]!.url, room, 'ada')
    const bob = await join(nodes[1]!.url, room, 'bob')
    const adaCloses: number[] = []
    ada.provider.on('connection-close', (event: { code: number } | null) => event && adaCloses.push(event.code))
    ada.doc.getText('text').insert(0, 'before ')
    await waitFor(() => text(bob.doc) === 'before ', 'the first edit crossed nodes')
    // Sent a moment before Redis dies: applied by node 0, maybe not yet in Redis.
    ada.doc.getText('text').insert(7, 'last-moment ')
    await redis.kill()
    await waitFor(() => adaCloses.includes(CloseCode.roomUnavailable), 'ada closed with 4500')
    const down = await health(0)
    expect(down.status).toBe(503)
    expect(down.body.reason).toMatch(/redis/i)
    expect(await cluster!.metrics(0)).toMatch(/^lectern_document_store_up 0$/m)
    const refused = rawClient(nodes[1]!.url, room, await cluster!.mint(room, 'read', 'late'))
    raws.push(refused)
    expect((await refused.closed).code).toBe(CloseCode.roomUnavailable)
    // Both keep editing offline while their clients retry.
    ada.doc.getText('text').insert(0, 'ada-offline ')
    bob.doc.getText('text').insert(0, 'bob-offline ')
    await redis.restart()
    await waitFor(async () => (await health(0)).status === 200 && (await health(1)).status === 200, 'both nodes healthy again', 20_000)
    const expected = ['before', 'last-moment', 'ada-offline', 'bob-offline']
    const hasAll = (value: string) => expected.every((part) => value.includes(part))
    await waitFor(() => hasAll(text(ada.doc)) && text(ada.doc) === text(bob.doc), 'clients converge', 30_000)
    await waitFor(async () => (await cluster!.storedText(room)) === text(ada.doc), 'Redis holds every edit', 10_000)
  }, FAULT_TIMEOUT_MS)

  it('a node killed with kill -9 under 3 writers: they move to the other node and every edit reaches everyone and Redis', async () => {
    const { nodes } = await start({ nodes: 2 })
    const alive = new Set([0, 1])
    balancer = await startTcpBalancer(() => [...alive].map((index) => nodes[index]!.port))
    const room = 'faults/node-death'
    const writers = [await join(balancer.url, room, 'w1', 'v1'), await join(balancer.url, room, 'w2'), await join(balancer.url, room, 'w3')]
    const reader = await join(nodes[1]!.url, room, 'reader')
    const EDITS = 60
    const typing = writers.map(async (writer, index) => {
      for (let i = 0; i < EDITS; i++) {
        writer.doc.getText('text').insert(0, String(index))
        await new Promise((resolve) => setTimeout(resolve, 15))
      }
    })
    await waitFor(() => text(reader.doc).length >= 30, 'editing is under way')
    alive.delete(0)
    await nodes[0]!.stop('SIGKILL')
    await Promise.all(typing)
    const everyone = [...writers, reader]
    await waitFor(() => everyone.every((client) => text(client.doc).length === 3 * EDITS), 'every edit everywhere', 60_000)
    expect(new Set(everyone.map((client) => text(client.doc))).size).toBe(1)
    await waitFor(async () => (await cluster!.storedText(room)) === text(reader.doc), 'every edit in Redis')
  }, FAULT_TIMEOUT_MS)

  it('Redis restarted with AOF on: every room survives a full restart of Redis and the nodes', async () => {
    const { nodes, redis } = await start({ nodes: 2, appendOnly: true, args: ['--compact-after-bytes', '2000'] })
    const rooms = ['faults/aof-1', 'faults/aof-2']
    for (const room of rooms) {
      const writer = await join(nodes[0]!.url, room, 'ada')
      const reader = await join(nodes[1]!.url, room, 'bob')
      // Past the compaction size: part of each room is in its snapshot, the rest in its stream.
      for (let i = 0; i < 400; i++) writer.doc.getText('text').insert(i, String(i % 10))
      await waitFor(() => text(reader.doc).length === 400, 'the other node has it all', 60_000)
    }
    await redis.restart()
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')))
    await cluster!.restartNode(0)
    await cluster!.restartNode(1)
    for (const room of rooms) {
      const fresh = await join(cluster!.nodes[1]!.url, room, 'carol')
      expect(text(fresh.doc)).toBe('0123456789'.repeat(40))
    }
  }, FAULT_TIMEOUT_MS)

  // Node 0 compacts every few blobs; node 1, busy sending them, can read a few entries behind, and
  // used to miss the ones node 0 trimmed, which left it and its readers stuck (relay/storage/redis/trimmed-gap.ts).
  it('a slow consumer is cut off alone: stream readers and the other nodes keep up', async () => {
    const unlimited = String(1 << 30)
    const { nodes, metrics } = await start({
      nodes: 2,
      args: ['--send-high-water-bytes', String(256 * 1024), '--rate-bytes-per-second', unlimited, '--rate-bytes-burst', unlimited],
    })
    const room = 'faults/slow-consumer'
    const writer = await join(nodes[0]!.url, room, 'writer')
    const readers = [await join(nodes[1]!.url, room, 'fast'), await join(nodes[0]!.url, room, 'fast-too')]
    const slow = rawClient(nodes[1]!.url, room, await cluster!.mint(room, 'read', 'slow'))
    raws.push(slow)
    await slow.opened
    // It stops reading: node 1's send buffer for it can only grow, once the kernel's is full.
    ;(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    const slowClosed = async () => /lectern_slow_receiver_closes_total 1/.test(await metrics(1))
    const blobs = writer.doc.getMap('blobs')
    for (let i = 0; i < 200 && (i % 10 !== 9 || !(await slowClosed())); i++) {
      blobs.set('blob', `${i}:${'y'.repeat(512 * 1024)}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await waitFor(slowClosed, 'node 1 closed the slow consumer, and only it')
    const last = blobs.get('blob') as string
    await waitFor(() => readers.every((reader) => reader.doc.getMap('blobs').get('blob') === last), 'readers on both nodes keep up', 30_000)
  }, FAULT_TIMEOUT_MS)
})
