/**
 * Issue 14: timed grants. "Bob may write for 5 minutes" is one call; at its end the live session
 * follows (back to read, or 4403), also when the relay restarted in between. The clock is moved by
 * hand: nothing here waits five minutes.
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../auth/audit.js'
import { isPermissionDenied, MessageType, SyncStep } from '../../protocol/messages.js'
import { ManualClock } from '../support/manual-clock.js'
import { makeDataDir, sleep, startTestRelay, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { adminApi, ApiClient, lecternApi, readAdminKey, recordFrames, roomPath } from '../support/token-service-client.js'

const fixture = useTestRelay()
const ROOM = 'demo'
const FIVE_MINUTES = 300

async function setup(clock: ManualClock) {
  const relay = await fixture.start({}, { clock })
  const admin = await adminApi(relay)
  const { code } = await admin.createLink(ROOM, { scope: 'read' })
  const bob = await lecternApi(relay.url).redeem({ code, displayName: 'Bob' })
  return { relay, admin, bob }
}

async function auditEvents(dataDir: string): Promise<AuditEvent[]> {
  return (await readFile(join(dataDir, 'audit.log'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AuditEvent)
}

describe('timed grants', () => {
  it('a timed write lapses under a live session: back to read at its end, with both steps audited', async () => {
    const clock = new ManualClock()
    const { relay, admin, bob } = await setup(clock)
    const owner = fixture.connect('v3', ROOM, await relay.mint(ROOM, 'write', { sub: 'owner' }))
    const client = fixture.connect('v1', ROOM, bob.token)
    await Promise.all([waitSynced(owner), waitSynced(client)])
    const frames = recordFrames(client)

    const { grant } = await admin.setGrant(ROOM, bob.subject, { scope: 'write', expiresInSeconds: FIVE_MINUTES })
    const until = new Date(clock.now().getTime() + FIVE_MINUTES * 1000).toISOString()
    expect(grant).toMatchObject({ scope: 'write', until, then: 'read', revision: 2 })
    await waitFor(() => frames.some((frame) => frame[0] === MessageType.sync && frame[1] === SyncStep.step1), 'Bob may write')
    client.doc.getText('text').insert(0, 'demo.')
    await waitFor(() => text(owner.doc) === 'demo.', 'Bob writes during his five minutes')

    clock.advance(FIVE_MINUTES * 1000 - 1000)
    await sleep(300)
    expect(frames.some(isPermissionDenied)).toBe(false)
    clock.advance(1000)
    await waitFor(() => frames.some(isPermissionDenied), 'Bob is told his write has ended')
    client.doc.getText('text').insert(0, 'AFTER ')
    owner.doc.getText('text').insert(5, ' ok')
    await waitFor(() => text(client.doc).endsWith(' ok'), 'Bob still follows')
    await sleep(200)
    expect(text(owner.doc)).toBe('demo. ok')

    const grants = await admin.listGrants(ROOM)
    expect(grants[0]).toMatchObject({ scope: 'read', revision: 3, updatedBy: 'expiry' })
    expect(grants[0]!.until).toBeUndefined()
    const events = await auditEvents(relay.dataDir)
    expect(events.filter((event) => event.subject === bob.subject && event.action !== 'link.redeemed').map((event) => event.action)).toEqual([
      'grant.created',
      'grant.scope_changed',
      'grant.expired',
    ])
    expect(events.find((event) => event.action === 'grant.scope_changed')).toMatchObject({ scope: 'write', until, then: 'read', sessions: 1 })
    expect(events.find((event) => event.action === 'grant.expired')).toMatchObject({ actor: 'expiry', previousScope: 'write', scope: 'read', sessions: 1 })
  })

  it('"then": "revoke" ends the grant and its session with 4403 at the end', async () => {
    const clock = new ManualClock()
    const { admin, bob } = await setup(clock)
    const client = fixture.connect('v3', ROOM, bob.token)
    await waitSynced(client)
    const closed = new Promise<number>((resolve) => client.provider.on('connection-close', (event: { code: number } | null) => event && resolve(event.code)))
    const { grant } = await admin.setGrant(ROOM, bob.subject, { scope: 'write', expiresInSeconds: 60, then: 'revoke' })
    expect(grant).toMatchObject({ then: 'revoke' })
    clock.advance(61_000)
    expect(await closed).toBe(4403)
    expect(await admin.listGrants(ROOM)).toEqual([])
  })

  it('lapses on time across a relay restart', async () => {
    const clock = new ManualClock()
    const dataDir = await makeDataDir()
    const first = await startTestRelay({}, { clock, dataDir })
    const admin = await adminApi(first)
    await admin.setGrant(ROOM, 'user:bob', { scope: 'read' })
    await admin.setGrant(ROOM, 'user:bob', { scope: 'admin', expiresInSeconds: 60 })
    await first.close()

    clock.advance(120_000)
    const second = await startTestRelay({}, { clock, dataDir })
    try {
      expect(await (await adminApi(second)).listGrants(ROOM)).toEqual([
        expect.objectContaining({ subject: 'user:bob', scope: 'read', revision: 3 }),
      ])
      expect((await auditEvents(dataDir)).at(-1)).toMatchObject({ action: 'grant.expired', actor: 'expiry', scope: 'read' })
    } finally {
      await second.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('answers bad timed changes with 400 saying what is wrong', async () => {
    const { relay, admin, bob } = await setup(new ManualClock())
    // Bodies the typed client would not send: straight HTTP.
    const http = new ApiClient(relay.url, await readAdminKey(relay.dataDir))
    const grantPath = `${roomPath(ROOM)}/grants/${encodeURIComponent(bob.subject)}`
    const cases: Array<[string, unknown, string]> = [
      [grantPath, { scope: 'write', then: 'revoke' }, '"then" needs "expiresInSeconds"'],
      [grantPath, { scope: 'write', expiresInSeconds: 60, then: 'later' }, '"then" must be "revert" or "revoke"'],
      [grantPath, { scope: 'write', expiresInSeconds: 0 }, '"expiresInSeconds" must be a positive integer'],
      [grantPath, { scope: 'write', expiresInSeconds: 400 * 86_400 }, '"expiresInSeconds" must be at most'],
      [`${roomPath(ROOM)}/grants/user%3Anew`, { scope: 'write', expiresInSeconds: 60, then: 'revert' }, '"revert" needs a grant to go back to'],
    ]
    for (const [path, body, message] of cases) {
      const answer = await http.raw('PUT', path, body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect((answer.body as { message: string }).message).toContain(message)
    }
    const fresh = await admin.setGrant(ROOM, 'user:new', { scope: 'write', expiresInSeconds: 60 })
    expect(fresh).toMatchObject({ created: true, grant: { scope: 'write', then: 'revoke' } })
  })
})
