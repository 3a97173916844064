/**
 * The README's nginx config in front of two nodes, on loopback: no sticky sessions, clients of one
 * URL land on both nodes and converge, and when a node dies its clients reconnect to the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type TestCluster } from '../support/cluster.js'
import { nginxSkipReason, startNginx, type Nginx } from '../support/nginx.js'
import { redisSkipReason } from '../support/redis-server.js'
import { connectClient, text, waitFor, waitSynced, type TestClient } from '../support/relay-fixture.js'

describe.skipIf(redisSkipReason || nginxSkipReason)('two nodes behind nginx', () => {
  let cluster: TestCluster
  let nginx: Nginx
  const clients: TestClient[] = []

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 })
    nginx = await startNginx([cluster.nodes[0]!.port, cluster.nodes[1]!.port])
  })
  afterAll(async () => {
    for (const client of clients) client.destroy()
    await nginx?.dispose()
    await cluster?.dispose()
  })

  it('serves one room from both nodes through one URL, and survives the death of a node', async () => {
    const room = 'lb/lecture'
    const health = await fetch(`http://127.0.0.1:${nginx.port}/healthz`)
    expect(health.status).toBe(200)
    for (const sub of ['ada', 'bob', 'cyd', 'dan']) {
      const client = connectClient('v3', nginx.url, room, await cluster.mint(room, 'write', sub))
      clients.push(client)
      await waitSynced(client)
    }
    // Round robin spreads four sessions over both nodes.
    const sessions = async (index: number) => /lectern_sessions (\d+)/.exec(await cluster.metrics(index))?.[1]
    expect(await sessions(0)).toBe('2')
    expect(await sessions(1)).toBe('2')
    clients.forEach((client, index) => client.doc.getText('text').insert(0, `${index}`))
    await waitFor(() => clients.every((client) => text(client.doc).length === 4), 'all four edits everywhere')
    await cluster.nodes[0]!.stop('SIGKILL')
    clients.forEach((client) => client.doc.getText('text').insert(0, 'after'))
    await waitFor(() => clients.every((client) => text(client.doc).length === 24 && text(client.doc) === text(clients[0]!.doc)), 'converged on the surviving node', 30_000)
    expect(await sessions(1)).toBe('4')
  }, 90_000)
})
