/**
 * Issue 12 #4: revoking a link takes back exactly what that link gave. A guest who came in through
 * a read link and then redeemed a write link drops back to read when the write link is revoked,
 * under a live y-websocket session; revoking the read link too ends the grant.
 */
import { describe, expect, it } from 'vitest'
import { MessageType } from '../../protocol/messages.js'
import { sleep, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { adminApi, lecternApi, recordFrames } from '../support/token-service-client.js'

const fixture = useTestRelay()
const ROOM = 'demo'

describe('link revocation', () => {
  it('takes back the write a link raised, leaving the read the guest had before', async () => {
    const relay = await fixture.start()
    const api = lecternApi(relay.url)
    const admin = await adminApi(relay)
    const readLink = await admin.createLink(ROOM, { scope: 'read' })
    const writeLink = await admin.createLink(ROOM, { scope: 'write' })
    const owner = fixture.connect('v3', ROOM, await relay.mint(ROOM, 'write', { sub: 'owner' }))
    await waitSynced(owner)

    const asRead = await api.redeem({ code: readLink.code, displayName: 'Bob' })
    const bob = api.withCredential(asRead.guestKey!)
    const asWrite = await bob.redeem({ code: writeLink.code })
    expect(asWrite).toMatchObject({ subject: asRead.subject, scope: 'write', grant: { id: asRead.grant.id, scope: 'write' } })
    const client = fixture.connect('v1', ROOM, asWrite.token)
    await waitSynced(client)
    client.doc.getText('text').insert(0, 'bob writes.')
    await waitFor(() => text(owner.doc) === 'bob writes.', 'the owner sees Bob write')

    const frames = recordFrames(client)
    const revoked = await admin.revokeLink(ROOM, writeLink.link.id)
    expect(revoked).toMatchObject({ grantsRevoked: 0, sessionsEnded: 0 })
    await waitFor(() => frames.some((frame) => frame[0] === MessageType.auth), 'Bob is told he is read-only')
    client.doc.getText('text').insert(0, 'AFTER ')
    owner.doc.getText('text').insert(text(owner.doc).length, ' ok')
    await waitFor(() => text(client.doc).endsWith(' ok'), 'Bob still follows')
    await sleep(200)
    expect(text(owner.doc)).toBe('bob writes. ok')

    const grants = await admin.listGrants(ROOM)
    expect(grants).toEqual([expect.objectContaining({ subject: asRead.subject, scope: 'read', linkId: readLink.link.id })])
    expect((await bob.roomToken(ROOM)).scope).toBe('read')

    // The read link gave everything that is left: revoking it ends the grant and the session.
    const closed = new Promise<number>((resolve) => client.provider.on('connection-close', (event: { code: number } | null) => event && resolve(event.code)))
    expect(await admin.revokeLink(ROOM, readLink.link.id)).toMatchObject({ grantsRevoked: 1, sessionsEnded: 1 })
    expect(await closed).toBe(4403)
  })

  it('leaves a grant raised by a link alone when the link is revoked with --keep-sessions', async () => {
    const relay = await fixture.start()
    const api = lecternApi(relay.url)
    const admin = await adminApi(relay)
    const readLink = await admin.createLink(ROOM, { scope: 'read' })
    const writeLink = await admin.createLink(ROOM, { scope: 'write' })
    const asRead = await api.redeem({ code: readLink.code })
    await api.withCredential(asRead.guestKey!).redeem({ code: writeLink.code })
    await admin.revokeLink(ROOM, writeLink.link.id, { endSessions: false })
    const grants = await admin.listGrants(ROOM)
    expect(grants.map((grant) => grant.scope)).toEqual(['write'])
  })
})
