/**
 * The README's load-balancer configs (examples/cluster/nginx.conf and haproxy.cfg) in front of two
 * nodes, on loopback, with the same checks for both: no sticky sessions (clients of one URL land
 * on both nodes and converge), the HTTP API through the balancer, and a node's death (its clients
 * reconnect through the balancer to the other). HAProxy's active health checks on /healthz also
 * take out nodes that lost Redis. With --trust-proxy naming the balancer, the nodes count the
 * anonymous redeem limit per guest (from X-Forwarded-For), not per balancer.
 */
import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Grant, Redeemed } from '../../protocol/api-types.js'
import { startCluster, type TestCluster } from '../support/cluster.js'
import { balancerSkipReason, HAPROXY, NGINX, startBalancer, type Balancer } from '../support/load-balancer.js'
import { redisSkipReason } from '../support/redis-server.js'
import { connectClient, text, waitFor, waitSynced, type ProviderVersion, type TestClient } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, roomPath } from '../support/token-service-client.js'

for (const kind of [NGINX, HAPROXY]) {
  describe.skipIf(redisSkipReason || balancerSkipReason(kind))(`two nodes behind ${kind.name}`, () => {
    let cluster: TestCluster
    let balancer: Balancer
    const clients: TestClient[] = []

    beforeEach(async () => {
      cluster = await startCluster({ nodes: 2, appendOnly: true })
      balancer = await startBalancer(kind, [cluster.nodes[0]!.port, cluster.nodes[1]!.port])
    })
    afterEach(async () => {
      for (const client of clients.splice(0)) client.destroy()
      await balancer?.dispose()
      await cluster?.dispose()
    })

    function join(url: string, room: string, token: string, version: ProviderVersion = 'v3'): TestClient {
      const client = connectClient(version, url, room, token)
      clients.push(client)
      return client
    }

    const sessions = async (index: number) => Number(/^lectern_sessions (\d+)$/m.exec(await cluster.metrics(index))?.[1])

    it('a client through the balancer syncs with a client on the other node', async () => {
      const room = 'lb/sync'
      const viaBalancer = join(balancer.url, room, await cluster.mint(room, 'write', 'ada'))
      await waitSynced(viaBalancer)
      const landedOn = (await sessions(0)) === 1 ? 0 : 1
      expect(await sessions(landedOn)).toBe(1)
      const other = 1 - landedOn
      const direct = join(cluster.nodes[other]!.url, room, await cluster.mint(room, 'write', 'bob'), 'v1')
      await waitSynced(direct)
      viaBalancer.doc.getText('text').insert(0, 'through the balancer. ')
      await waitFor(() => text(direct.doc) === 'through the balancer. ', `the edit reaches node ${other}`)
      direct.doc.getText('text').insert(0, 'direct. ')
      await waitFor(() => text(viaBalancer.doc) === 'direct. through the balancer. ', 'and back')
    })

    it('serves the HTTP API through the balancer: links, redeems, grants, health and metrics', async () => {
      const room = 'lb/api'
      const api = new ApiClient(balancer.url)
      const admin = api.as(await readAdminKey(cluster.dataDirs[0]!))
      const { code } = await admin.ok<{ code: string }>('POST', `${roomPath(room)}/links`, { scope: 'read' }, 201)
      // Round robin: these calls alternate between the nodes, and each sees what the other wrote.
      const guests = [await api.ok<Redeemed>('POST', '/redeem', { code }), await api.ok<Redeemed>('POST', '/redeem', { code })]
      for (let i = 0; i < 2; i++) expect((await admin.ok<{ grants: Grant[] }>('GET', `${roomPath(room)}/grants`)).grants).toHaveLength(2)
      await admin.ok('PUT', `${roomPath(room)}/grants/${encodeURIComponent(guests[0]!.subject)}`, { scope: 'write' })
      const writer = join(balancer.url, room, guests[0]!.token)
      const reader = join(balancer.url, room, guests[1]!.token)
      await Promise.all([waitSynced(writer), waitSynced(reader)])
      writer.doc.getText('text').insert(0, 'upgraded through the balancer')
      await waitFor(() => text(reader.doc) === 'upgraded through the balancer', 'the upgraded guest writes')
      const health = await fetch(`${balancer.httpUrl}/healthz`)
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ status: 'ok' })
      expect(await (await fetch(`${balancer.httpUrl}/metrics`)).text()).toMatch(/^lectern_document_store_up 1$/m)
    })

    it.runIf(kind === HAPROXY)('takes out the nodes while Redis is away and puts them back when it returns', async () => {
      const room = 'lb/redis-away'
      const client = join(balancer.url, room, await cluster.mint(room, 'write', 'ada'))
      await waitSynced(client)
      await cluster.redis.kill()
      // Both nodes answer /healthz with 503: HAProxy marks them down and answers for them itself.
      const answeredBy = async () => {
        const response = await fetch(`${balancer.httpUrl}/healthz`)
        return { status: response.status, fromHaproxy: /no server is available/i.test(await response.text()) }
      }
      await waitFor(async () => (await answeredBy()).fromHaproxy, 'HAProxy has no node left to send to')
      expect(await answeredBy()).toEqual({ status: 503, fromHaproxy: true })
      client.doc.getText('text').insert(0, 'written while Redis was away')
      await cluster.redis.restart()
      await waitFor(async () => (await answeredBy()).status === 200, 'a node is back behind HAProxy')
      const late = join(balancer.url, room, await cluster.mint(room, 'read', 'bob'))
      await waitFor(() => text(late.doc) === 'written while Redis was away', 'the offline edit reaches a new client')
    })

    it('survives the death of a node: its clients reconnect through the balancer to the other and converge', async () => {
      const room = 'lb/lecture'
      const four: TestClient[] = []
      for (const sub of ['ada', 'bob', 'cyd', 'dan']) {
        const client = join(balancer.url, room, await cluster.mint(room, 'write', sub))
        four.push(client)
        await waitSynced(client)
      }
      // Round robin spreads four sessions over both nodes.
      expect([await sessions(0), await sessions(1)]).toEqual([2, 2])
      four.forEach((client, index) => client.doc.getText('text').insert(0, `${index}`))
      await waitFor(() => four.every((client) => text(client.doc).length === 4), 'all four edits everywhere')
      await cluster.nodes[0]!.stop('SIGKILL')
      four.forEach((client) => client.doc.getText('text').insert(0, 'after'))
      const converged = () => four.every((client) => text(client.doc).length === 24 && text(client.doc) === text(four[0]!.doc))
      await waitFor(converged, 'converged on the surviving node')
      await waitFor(async () => (await sessions(1)) === 4, 'all four sessions on the surviving node')
    })
  })

  describe.skipIf(redisSkipReason || balancerSkipReason(kind))(`the redeem limit behind ${kind.name}`, () => {
    let cluster: TestCluster | undefined
    let balancer: Balancer | undefined
    afterEach(async () => {
      await balancer?.dispose()
      await cluster?.dispose()
    })

    const BURST = 4
    /** Two nodes (each counts on its own) behind the balancer; guests come from other loopback addresses. */
    async function start(args: string[]): Promise<Balancer> {
      cluster = await startCluster({ nodes: 2, args: ['--redeem-rate', '1', '--redeem-burst', String(BURST), ...args] })
      balancer = await startBalancer(kind, [cluster.nodes[0]!.port, cluster.nodes[1]!.port])
      return balancer
    }

    /** A guest at `from` exhausts the limit while writing a new X-Forwarded-For of its own each time. */
    async function exhaust(via: Balancer, from: string): Promise<void> {
      let refusedInARow = 0
      for (let attempt = 0; refusedInARow < 2; attempt++) {
        if (attempt === 40) throw new Error(`${from} was never refused: the limit does not hold it`)
        const status = await redeemFrom(via, from, `198.51.100.${attempt}`)
        refusedInARow = status === 429 ? refusedInARow + 1 : 0
      }
    }
    const guestB = async (via: Balancer) => Promise.all(Array.from({ length: BURST }, () => redeemFrom(via, '127.0.0.3')))

    it('with --trust-proxy 127.0.0.1, two guests are limited separately and a guest cannot dodge it by sending the header', async () => {
      const via = await start(['--trust-proxy', '127.0.0.1'])
      await exhaust(via, '127.0.0.2')
      // Unknown code: 404 is a redeem the limit let through.
      expect(await guestB(via)).toEqual(Array.from({ length: BURST }, () => 404))
    })

    it('without --trust-proxy, every guest is the balancer: one guest exhausts the limit for the other', async () => {
      const via = await start([])
      await exhaust(via, '127.0.0.2')
      expect(await guestB(via)).toContain(429)
    })
  })
}

/** An anonymous redeem of an unknown code through the balancer from a loopback address of the guest's own. */
function redeemFrom(balancer: Balancer, from: string, forwardedFor?: string): Promise<number> {
  const body = JSON.stringify({ code: 'lct_share_unknown' })
  const headers = { 'content-type': 'application/json', ...(forwardedFor !== undefined ? { 'x-forwarded-for': forwardedFor } : {}) }
  return new Promise((resolve, reject) => {
    const req = request(`${balancer.httpUrl}/api/v1/redeem`, { method: 'POST', localAddress: from, agent: false, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.on('error', reject)
    req.end(body)
  })
}
