/**
 * How fast access changes made through node A reach 300 sessions spread over nodes A and B, on one
 * private redis-server: a group grant upgraded and downgraded, then a link revoked. Measured at the
 * relay side (every session on node A, then on node B, changed or ended), from sending the API request. The
 * sessions are plain WebSocket clients, so this process's CPU goes to the two relays, not to 300
 * Y.Docs. Printed for the record, not asserted: wall-clock bounds have no place in a test run on a
 * shared machine (the target, 100 ms, is checked by reading the figure).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IssuedToken, Redeemed } from '../../protocol/api-types.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { isPermissionDenied } from '../../protocol/messages.js'
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.js'
import { redisSkipReason, startRedisServer, type RedisServer } from '../support/redis-server.js'
import type { Session } from '../../relay/core/session.js'
import { rawClient, sleep, startTestRelay, waitFor, type RawClient, type TestRelay } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, roomPath } from '../support/token-service-client.js'

const SESSIONS = 300
const ROOM = 'keynote'

describe.skipIf(redisSkipReason)(`access changes reaching ${SESSIONS} sessions over two nodes`, () => {
  let redis: RedisServer
  let idp: TestIdentityProvider
  let nodes: TestRelay[]
  const dirs: string[] = []
  const clients: RawClient[] = []

  beforeAll(async () => {
    redis = await startRedisServer()
    idp = await startIdentityProvider()
    const options = { tokenService: { ...TOKEN_SERVICE_DEFAULTS, identity: idp.settings } }
    nodes = []
    for (const nodeId of ['node-a', 'node-b']) {
      const dataDir = await mkdtemp(join(tmpdir(), 'lectern-node-'))
      dirs.push(dataDir)
      nodes.push(await startTestRelay({ redisUrl: redis.url, nodeId }, { ...options, dataDir }))
    }
  }, 60_000)

  afterAll(async () => {
    for (const client of clients) client.ws.terminate()
    for (const node of nodes ?? []) await node.dispose()
    await redis?.dispose()
    await idp?.dispose()
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  })

  /** Opens a session per token, on node A and node B in turn. */
  async function openAll(tokens: string[]): Promise<RawClient[]> {
    const opened = tokens.map((token, i) => rawClient(nodes[i % 2]!.url, ROOM, token))
    clients.push(...opened)
    await Promise.all(opened.map((client) => client.opened))
    return opened
  }

  const sessionsOf = (filter: (lid: string | undefined) => boolean) =>
    nodes.flatMap((node) => [...node.relay.sessions].filter((session) => filter(session.lid)))

  /**
   * Milliseconds from sending the change until each node's sessions show it (node A, node B), polled
   * every millisecond: B minus A is what the trip through Redis adds.
   */
  async function perNode(change: () => Promise<unknown>, done: (session: Session) => boolean, sessions: Session[]): Promise<number[]> {
    const byNode = nodes.map((node) => sessions.filter((session) => node.relay.sessions.has(session)))
    const started = performance.now()
    const request = change()
    const reached: Array<number | undefined> = byNode.map(() => undefined)
    while (reached.some((ms) => ms === undefined) && performance.now() - started < 10_000) {
      byNode.forEach((own, i) => {
        if (reached[i] === undefined && own.every(done)) reached[i] = performance.now() - started
      })
      await sleep(1)
    }
    await request
    if (reached.some((ms) => ms === undefined)) throw new Error('the change did not reach every node within 10 s')
    return reached as number[]
  }

  const show = ([a, b]: number[]) => `A ${a!.toFixed(1)} ms, B ${b!.toFixed(1)} ms`

  it('a group upgrade and downgrade, then a link revocation, made through node A', async () => {
    const [nodeA] = nodes
    const api = new ApiClient(nodeA!.url)
    const admin = api.as(await readAdminKey(nodeA!.dataDir))
    const grantPath = `${roomPath(ROOM)}/grants/group:attendees`
    await admin.ok('PUT', grantPath, { scope: 'read' }, 201)
    const groupTokens: string[] = []
    for (let i = 0; i < SESSIONS; i++) {
      const identity = await idp.identify(`attendee-${i}`, ['attendees'])
      groupTokens.push((await api.as(identity).ok<IssuedToken>('POST', `${roomPath(ROOM)}/token`)).token)
    }
    const group = await openAll(groupTokens)
    const groupSessions = sessionsOf((lid) => lid === undefined)
    expect(groupSessions).toHaveLength(SESSIONS)
    expect(nodes.map((node) => node.relay.sessions.size)).toEqual([SESSIONS / 2, SESSIONS / 2])

    const upgrade = await perNode(() => admin.ok('PUT', grantPath, { scope: 'write' }), (session) => session.canWrite, groupSessions)
    const downgrade = await perNode(() => admin.ok('PUT', grantPath, { scope: 'read' }), (session) => !session.canWrite, groupSessions)
    // Every session was told, on its socket.
    await waitFor(() => group.every((client) => client.frames.some(isPermissionDenied)), 'every session told it is read-only')
    for (const client of group) client.ws.terminate()

    const { code, link } = await admin.ok<{ code: string; link: { id: string } }>('POST', `${roomPath(ROOM)}/links`, { scope: 'read' }, 201)
    const linkTokens: string[] = []
    for (let i = 0; i < SESSIONS; i++) {
      linkTokens.push((await new ApiClient(nodes[i % 2]!.url).ok<Redeemed>('POST', '/redeem', { code })).token)
    }
    const viaLink = await openAll(linkTokens)
    const linkSessions = sessionsOf((lid) => lid === link.id)
    expect(linkSessions).toHaveLength(SESSIONS)
    const revocation = await perNode(() => admin.ok('DELETE', `${roomPath(ROOM)}/links/${link.id}`), (session) => session.closed, linkSessions)
    expect((await Promise.all(viaLink.map((client) => client.closed))).every(({ code: closeCode }) => closeCode === 4403)).toBe(true)

    console.log(
      `access changes made through node A, reaching ${SESSIONS} sessions (150 on A, 150 on B, Redis), relay side, from the API request: ` +
        `group upgrade ${show(upgrade)}; group downgrade ${show(downgrade)}; link revocation ${show(revocation)}`,
    )
  }, 180_000)
})
