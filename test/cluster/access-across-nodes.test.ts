/**
 * Access data in cluster mode, with real relay processes on one private redis-server: changes made
 * through one node (or the CLI on Redis) reach the sessions of the other, a one-use link admits exactly one redeem across
 * nodes, a key rotated on one node is used by the other, and grants and links outlive a Redis restart.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeProtectedHeader } from 'jose'
import type { Grant } from '../../auth/grants.js'
import type { Link } from '../../protocol/api-types.js'
import type { IssuedToken, Redeemed } from '../../protocol/api-types.js'
import { ACCESS_PREFIX } from '../../auth/store/redis/access-scripts.js'
import { isPermissionDenied, MessageType, SyncStep } from '../../protocol/messages.js'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection } from '../../relay/redis-connection.js'
import { runCli, serveProcess, type ServeProcess } from '../support/process.js'
import { redisSkipReason, startRedisServer, type RedisServer } from '../support/redis-server.js'
import { connectClient, rawClient, text, waitFor, waitSynced, type TestClient } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, recordFrames, roomPath } from '../support/token-service-client.js'

describe.skipIf(redisSkipReason)('access across relay processes on one Redis', () => {
  let redis: RedisServer
  let dirs: string[]
  let nodeA: ServeProcess
  let nodeB: ServeProcess
  /** The admin key node A created: the cluster's, so it works on node B too. */
  let adminA: ApiClient
  let adminB: ApiClient
  const clients: TestClient[] = []

  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: true })
    dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'lectern-node-'))))
    // One after the other: the first node creates the cluster's signing key and admin key.
    nodeA = await serveProcess(dirs[0]!, ['--redis', redis.url, '--node-id', 'node-a'])
    nodeB = await serveProcess(dirs[1]!, ['--redis', redis.url, '--node-id', 'node-b'])
    const adminKey = await readAdminKey(dirs[0]!)
    adminA = new ApiClient(nodeA.url).as(adminKey)
    adminB = new ApiClient(nodeB.url).as(adminKey)
  }, 60_000)

  afterAll(async () => {
    for (const client of clients) client.destroy()
    await Promise.all([nodeA?.stop('SIGTERM'), nodeB?.stop('SIGTERM')])
    await redis?.dispose()
    await Promise.all((dirs ?? []).map((dir) => rm(dir, { recursive: true, force: true })))
  })

  function connect(node: ServeProcess, room: string, token: string): TestClient {
    const client = connectClient('v3', node.url, room, token)
    clients.push(client)
    return client
  }

  it('a scope change and a link revocation made through node A reach the sessions on node B', async () => {
    const room = 'keynote'
    const { code, link } = await adminA.ok<{ code: string; link: Link }>('POST', `${roomPath(room)}/links`, { scope: 'read' }, 201)
    // Redeemed on B (its token signed with the cluster's key), connected on A and on B.
    const guest = new ApiClient(nodeB.url)
    const [bob, eve] = [await guest.ok<Redeemed>('POST', '/redeem', { code }), await guest.ok<Redeemed>('POST', '/redeem', { code })]
    const onB = connect(nodeB, room, bob!.token)
    const onA = connect(nodeA, room, eve!.token)
    await Promise.all([waitSynced(onB), waitSynced(onA)])
    const framesOnB = recordFrames(onB)

    const bobGrant = `${roomPath(room)}/grants/${encodeURIComponent(bob!.subject)}`
    expect(await adminA.ok<{ sessionsChanged: number }>('PUT', bobGrant, { scope: 'write' })).toMatchObject({ sessionsChanged: 0 })
    await waitFor(() => framesOnB.some((frame) => frame[0] === MessageType.sync && frame[1] === SyncStep.step1), 'B asks Bob for his state')
    onB.doc.getText('text').insert(0, 'from node B')
    await waitFor(() => text(onA.doc) === 'from node B', "Bob's edit on B reaches Eve on A")

    // The operator's CLI on the cluster's Redis: no node answers, every node hears.
    const downgrade = await runCli(['grants', 'set', room, bob!.subject, 'read', '--redis', redis.url])
    expect(downgrade).toMatchObject({ code: 0, stdout: `${bob!.subject} has read on room ${room}: 0 live sessions changed.\n` })
    await waitFor(() => framesOnB.some(isPermissionDenied), 'B tells Bob he is read-only again')

    const closes: number[] = []
    for (const client of [onA, onB]) client.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code))
    const revoked = await adminA.ok<{ grantsRevoked: number; sessionsEnded: number }>('DELETE', `${roomPath(room)}/links/${link.id}`)
    // The counts are the answering node's: Eve's session was on A; Bob's ends on B.
    expect(revoked).toMatchObject({ grantsRevoked: 2, sessionsEnded: 1 })
    await waitFor(() => closes.filter((closeCode) => closeCode === 4403).length === 2, 'both sessions end with 4403, on A and on B')
    expect(await rawClient(nodeB.url, room, bob!.token).closed).toEqual({ code: 4403, reason: 'grant revoked' })

    const tail = await runCli(['audit', 'tail', '--redis', redis.url, '--count', '30'])
    const records = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as { action: string; node: string; subject?: string })
    expect(records).toContainEqual(expect.objectContaining({ action: 'session.ended', node: 'node-b', subject: bob!.subject }))
    expect(records).toContainEqual(expect.objectContaining({ action: 'link.revoked', node: 'node-a' }))
    expect(tail.stdout).not.toContain(code)
  })

  it('a node that fell behind the capped events stream re-checks its sessions: a revocation it never read still ends them', async () => {
    const room = 'fell-behind'
    const { code } = await adminA.ok<{ code: string }>('POST', `${roomPath(room)}/links`, { scope: 'read' }, 201)
    const guest = await new ApiClient(nodeB.url).ok<Redeemed>('POST', '/redeem', { code })
    const session = rawClient(nodeB.url, room, guest.token)
    await session.opened
    const grantPath = `${roomPath(room)}/grants/${encodeURIComponent(guest.subject)}`
    const stepOnes = () => session.frames.filter((frame) => frame[0] === MessageType.sync && frame[1] === SyncStep.step1).length
    // Node B has read an event: it follows the stream from a real entry.
    await adminA.ok('PUT', grantPath, { scope: 'write' })
    await waitFor(() => stepOnes() > 0, 'B applies the upgrade')
    let closed: { code: number; reason: string } | null = null
    void session.closed.then((close) => (closed = close))
    // B is frozen and its events connection cut; meanwhile the stream moves on without it and is
    // trimmed (to 1 entry here, 10,000 in production) past what B read, the revocation included.
    const inspect = new RedisConnection(redis.url, 'test-inspect', createLogger('silent'))
    await inspect.connect()
    nodeB.child.kill('SIGSTOP')
    try {
      const clients = String(await inspect.command(['CLIENT', 'LIST'])).split('\n')
      const reader = clients.find((line) => line.includes(' name=lectern-node-b-access-events '))
      await inspect.command(['CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(reader ?? '')![1]!])
      await adminA.ok('DELETE', grantPath)
      await adminA.ok('PUT', `${roomPath(room)}/grants/user:filler`, { scope: 'read' }, 201)
      for (const scope of ['write', 'read']) await adminA.ok('PUT', `${roomPath(room)}/grants/user:filler`, { scope })
      await inspect.command(['XTRIM', `${ACCESS_PREFIX}events`, 'MAXLEN', '1'])
    } finally {
      nodeB.child.kill('SIGCONT')
      await inspect.close()
    }
    await waitFor(() => closed !== null, "B ends the session whose grant is gone")
    expect(closed).toEqual({ code: 4403, reason: 'grant revoked' })
  })

  it('admits exactly one of twenty concurrent redeems of a one-use link, spread over both nodes', async () => {
    const { code } = await adminB.ok<{ code: string }>('POST', `${roomPath('race')}/links`, { scope: 'write', maxUses: 1 }, 201)
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => new ApiClient(i % 2 === 0 ? nodeA.url : nodeB.url).raw('POST', '/redeem', { code })),
    )
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1)
    expect(answers.filter((answer) => answer.status === 410)).toHaveLength(19)
    expect((await adminA.ok<{ grants: Grant[] }>('GET', `${roomPath('race')}/grants`)).grants).toHaveLength(1)
  })

  it('signs with the new key on node B once node A rotates; tokens from either node admit on both', async () => {
    const { code } = await adminA.ok<{ code: string }>('POST', `${roomPath('rotation')}/links`, { scope: 'read' }, 201)
    const redeemed = await new ApiClient(nodeA.url).ok<Redeemed>('POST', '/redeem', { code })
    const rotated = await adminA.ok<{ keyId: string }>('POST', '/keys/rotate', {})
    const guestOnB = new ApiClient(nodeB.url).as(redeemed.guestKey!)
    await waitFor(async () => decodeProtectedHeader((await guestOnB.ok<IssuedToken>('POST', `${roomPath('rotation')}/token`)).token).kid === rotated.keyId, 'B signs with the new key')
    const jwks = (await (await fetch(`${nodeB.url.replace('ws', 'http')}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
    expect(jwks.keys.map((key) => key.kid)).toContain(rotated.keyId)
    const fromB = await guestOnB.ok<IssuedToken>('POST', `${roomPath('rotation')}/token`)
    // Minted before the rotation on A, and after it on B: both admit on both nodes.
    for (const token of [redeemed.token, fromB.token]) {
      for (const node of [nodeA, nodeB]) {
        const session = rawClient(node.url, 'rotation', token)
        await session.opened
        session.ws.close()
      }
    }
  })

  it('refuses access calls with 503 and grant-backed sessions with 4500 while Redis is away, and recovers', async () => {
    const { code } = await adminA.ok<{ code: string }>('POST', `${roomPath('outage')}/links`, { scope: 'read' }, 201)
    const redeemed = await new ApiClient(nodeB.url).ok<Redeemed>('POST', '/redeem', { code })
    await redis.kill()
    await waitFor(async () => (await adminA.raw('GET', `${roomPath('outage')}/grants`)).status === 503, 'node A notices Redis is gone')
    expect(await adminB.raw('PUT', `${roomPath('outage')}/grants/user:carol`, { scope: 'write' })).toMatchObject({
      status: 503,
      body: { error: 'store_unavailable' },
    })
    expect(await rawClient(nodeA.url, 'outage', redeemed.token).closed).toMatchObject({ code: 4500 })
    await redis.restart()
    for (const admin of [adminA, adminB]) {
      await waitFor(async () => (await admin.raw('GET', `${roomPath('outage')}/grants`)).status === 200, 'both nodes are back', 20_000)
    }
    // The document store's reader reconnects on its own back-off (up to 2 s after the rest): until
    // then B refuses rooms with 4500, and a session opened now would be closed at once.
    const healthz = (node: ServeProcess) => fetch(`${node.url.replace('ws', 'http')}/healthz`)
    await waitFor(async () => (await healthz(nodeB)).status === 200, 'node B serves rooms again', 20_000)
    const session = rawClient(nodeB.url, 'outage', redeemed.token)
    await session.opened
    // Node B follows the access events again: an upgrade made through A reaches its session.
    const grantPath = `${roomPath('outage')}/grants/${encodeURIComponent(redeemed.subject)}`
    const stepOnes = () => session.frames.filter((frame) => frame[0] === MessageType.sync && frame[1] === SyncStep.step1).length
    // A read-only session is never asked for its state; a writer is, at once.
    const before = stepOnes()
    await adminA.ok('PUT', grantPath, { scope: 'write' })
    await waitFor(() => stepOnes() > before, 'B asks for the state again', 20_000)
    session.ws.close()
  })

  it('keeps grants, links and use counts through a Redis restart (AOF)', async () => {
    const room = 'durable'
    await adminA.ok('PUT', `${roomPath(room)}/grants/user:carol`, { scope: 'write' }, 201)
    const { code, link } = await adminA.ok<{ code: string; link: Link }>('POST', `${roomPath(room)}/links`, { scope: 'read', maxUses: 2 }, 201)
    await new ApiClient(nodeA.url).ok('POST', '/redeem', { code })
    await redis.restart()
    // The nodes reconnect by themselves; B answers from Redis once it has.
    let links: Link[] = []
    await waitFor(async () => {
      const answer = await adminB.raw('GET', `${roomPath(room)}/links`)
      if (answer.status === 200) links = (answer.body as { links: Link[] }).links
      return answer.status === 200
    }, 'node B reads the links again', 20_000)
    expect(links).toEqual([expect.objectContaining({ id: link.id, uses: 1, maxUses: 2, status: 'active' })])
    const { grants } = await adminB.ok<{ grants: Grant[] }>('GET', `${roomPath(room)}/grants`)
    expect(grants).toHaveLength(2)
    expect(grants).toContainEqual(expect.objectContaining({ subject: 'user:carol', scope: 'write' }))
    expect(grants).toContainEqual(expect.objectContaining({ linkId: link.id, scope: 'read' }))
    expect(await new ApiClient(nodeB.url).raw('POST', '/redeem', { code })).toMatchObject({ status: 200 })
    expect(await new ApiClient(nodeA.url).raw('POST', '/redeem', { code })).toMatchObject({ status: 410, body: { error: 'link_used_up' } })
  })
})
