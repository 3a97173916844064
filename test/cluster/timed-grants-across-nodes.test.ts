/**
 * Timed grants in a cluster: a timed change made through node A ends on time for sessions on node
 * B too, whichever node's sweeper finds the lapse. Two relays run in this process on one private
 * redis-server, each with its own injected clock: moving one clock alone decides which node
 * lapses the grant, so the other must learn it from Redis.
 */
import { readFile } from 'node:fs/promises'
import { join as joinPath } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../auth/audit.js'
import type { Grant, Redeemed } from '../../protocol/api-types.js'
import { isPermissionDenied, MessageType, SyncStep } from '../../protocol/messages.js'
import { ManualClock } from '../support/manual-clock.js'
import { redisSkipReason, startRedisServer, type RedisServer } from '../support/redis-server.js'
import { connectClient, startTestRelay, text, waitFor, waitSynced, type TestClient, type TestRelay } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, recordFrames, roomPath } from '../support/token-service-client.js'

const ROOM = 'timed'
const MINUTE = 60

describe.skipIf(redisSkipReason)('timed grants across nodes', () => {
  let redis: RedisServer
  const start = Date.now()
  const clockA = new ManualClock(start)
  const clockB = new ManualClock(start)
  let nodeA: TestRelay
  let nodeB: TestRelay
  let adminA: ApiClient
  let bob: Redeemed
  let grantPath: string
  const clients: TestClient[] = []

  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: true })
    // One after the other: the first creates the cluster's signing key and admin key.
    nodeA = await startTestRelay({ redisUrl: redis.url, nodeId: 'node-a' }, { clock: clockA })
    nodeB = await startTestRelay({ redisUrl: redis.url, nodeId: 'node-b' }, { clock: clockB })
    adminA = new ApiClient(nodeA.url).as(await readAdminKey(nodeA.dataDir))
    const { code } = await adminA.ok<{ code: string }>('POST', `${roomPath(ROOM)}/links`, { scope: 'read' }, 201)
    bob = await new ApiClient(nodeB.url).ok<Redeemed>('POST', '/redeem', { code, displayName: 'Bob' })
    grantPath = `${roomPath(ROOM)}/grants/${encodeURIComponent(bob.subject)}`
  })

  afterAll(async () => {
    for (const client of clients) client.destroy()
    await Promise.all([nodeA?.dispose(), nodeB?.dispose()])
    await redis?.dispose()
  })

  function join(node: TestRelay, token: string): TestClient {
    const client = connectClient('v3', node.url, ROOM, token)
    clients.push(client)
    return client
  }

  /** Moves both clocks: `first` alone, until `check` holds, then the other to the same time. */
  async function lapseOn(first: ManualClock, ms: number, check: () => boolean, description: string): Promise<void> {
    first.advance(ms)
    await waitFor(check, description)
    ;(first === clockA ? clockB : clockA).advance(ms)
  }

  async function expiredBy(node: TestRelay): Promise<AuditEvent[]> {
    const lines = (await readFile(joinPath(node.dataDir, 'audit.log'), 'utf8')).trim().split('\n')
    return lines.map((line) => JSON.parse(line) as AuditEvent).filter((event) => event.action === 'grant.expired')
  }

  it('a timed write given through node A ends for the session on node B when node A lapses it', async () => {
    const owner = join(nodeA, await nodeA.mint(ROOM, 'write', { sub: 'owner' }))
    const bobOnB = join(nodeB, bob.token)
    await Promise.all([waitSynced(owner), waitSynced(bobOnB)])
    const frames = recordFrames(bobOnB)

    const { grant } = await adminA.ok<{ grant: Grant }>('PUT', grantPath, { scope: 'write', expiresInSeconds: MINUTE })
    expect(grant).toMatchObject({ scope: 'write', then: 'read' })
    await waitFor(() => frames.some((frame) => frame[0] === MessageType.sync && frame[1] === SyncStep.step1), 'B lets Bob write')
    bobOnB.doc.getText('text').insert(0, 'bob.')
    await waitFor(() => text(owner.doc) === 'bob.', "Bob's edit on B reaches A")

    await lapseOn(clockA, MINUTE * 1000 + 1000, () => frames.some(isPermissionDenied), 'B tells Bob his write has ended')
    expect(await expiredBy(nodeA)).toHaveLength(1)
    expect(await expiredBy(nodeB)).toHaveLength(0)
    bobOnB.doc.getText('text').insert(0, 'LATE ')
    owner.doc.getText('text').insert(4, ' ok')
    await waitFor(() => text(bobOnB.doc).endsWith(' ok'), 'Bob still follows')
    expect(text(owner.doc)).toBe('bob. ok')
    const { grants } = await new ApiClient(nodeB.url).as(await readAdminKey(nodeA.dataDir)).ok<{ grants: Grant[] }>('GET', `${roomPath(ROOM)}/grants`)
    expect(grants).toEqual([expect.objectContaining({ subject: bob.subject, scope: 'read', updatedBy: 'expiry' })])
  })

  it('a timed grant with "then": "revoke" given through node A ends sessions on both nodes when node B lapses it', async () => {
    await adminA.ok('PUT', grantPath, { scope: 'write', expiresInSeconds: MINUTE, then: 'revoke' })
    const sessions = [join(nodeA, bob.token), join(nodeB, bob.token)]
    await Promise.all(sessions.map(waitSynced))
    const closes = sessions.map(
      (client) => new Promise<number>((resolve) => client.provider.on('connection-close', (event: { code: number } | null) => event && resolve(event.code))),
    )
    let ended: number[] = []
    void Promise.all(closes).then((codes) => (ended = codes))
    await lapseOn(clockB, MINUTE * 1000 + 1000, () => ended.length === 2, "Bob's sessions on A and B end")
    expect(ended).toEqual([4403, 4403])
    expect(await expiredBy(nodeB)).toHaveLength(1)
    expect((await adminA.ok<{ grants: Grant[] }>('GET', `${roomPath(ROOM)}/grants`)).grants).toEqual([])
  })
})
