/**
 * The README's "Metrics to watch" names things an operator can find: every metric it lists is on a
 * cluster node's /metrics, every Redis INFO field it lists is in that INFO section, and the stream
 * key it tells to size with MEMORY USAGE is where a room's updates go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { editAcrossNodes, startCluster, type TestCluster } from '../support/cluster.js'
import { section, readme } from '../support/readme.js'
import { redisSkipReason } from '../support/redis-server.js'
import type { TestClient } from '../support/relay-fixture.js'

const WATCH = section(readme(), 'Metrics to watch')
const ROOM = 'watched/room'

describe.skipIf(redisSkipReason)('the cluster metrics the README says to watch', () => {
  let cluster: TestCluster
  const clients: TestClient[] = []

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, appendOnly: true })
    // Something to count: a write on node 0 read on node 1 (an XADD, XREADs, a stream).
    clients.push(...(await editAcrossNodes(cluster, ROOM, 'watched')))
  })
  afterAll(async () => {
    for (const client of clients) client.destroy()
    await cluster?.dispose()
  })

  it("lists only metrics a node's /metrics has", async () => {
    const names = [...WATCH.matchAll(/`((?:lectern|process|nodejs)_\w+)`/g)].map((match) => match[1]!)
    expect(names.length).toBeGreaterThanOrEqual(6)
    const scraped = await cluster.metrics(1)
    for (const name of names) expect(scraped, name).toMatch(new RegExp(`^${name}(\\{| )`, 'm'))
    expect((await cluster.health(1)).status).toBe(200)
  })

  it('lists only Redis INFO fields that their INFO section has', async () => {
    const asked = [...WATCH.matchAll(/`INFO (\w+)`\s+\(([^)]*)\)/g)]
    expect(asked.map((match) => match[1])).toEqual(['commandstats', 'memory', 'persistence'])
    for (const [, infoSection, list] of asked) {
      const info = String(await cluster.inspect.command(['INFO', infoSection!]))
      for (const [, field] of list!.matchAll(/`(\w+)`/g)) expect(info, `INFO ${infoSection}`).toMatch(new RegExp(`^${field}:`, 'm'))
    }
  })

  it("sizes a room with MEMORY USAGE on the key the README names, which holds the room's stream", async () => {
    const command = /`(MEMORY USAGE lectern:room:\{ROOM\}:stream)`/.exec(WATCH)?.[1]
    expect(command).toBeDefined()
    const args = command!.replace('{ROOM}', `{${ROOM}}`).split(' ')
    expect(await cluster.inspect.command(args)).toBeGreaterThan(0)
  })
})
