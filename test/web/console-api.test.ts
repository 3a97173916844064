/** What the presenter's console asks of the API beyond the token service's own calls: live session counts per grant, open rooms. */
import { describe, expect, it } from 'vitest'
import type { GrantWithSessions, Redeemed } from '../../protocol/api-types.js'
import { rawClient, useTestRelay, waitFor } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, roomPath } from '../support/token-service-client.js'

const fixture = useTestRelay()

describe('grants list', () => {
  it('counts each grant’s connected sessions, live', async () => {
    const relay = await fixture.start()
    const api = new ApiClient(relay.url)
    const admin = api.as(await readAdminKey(relay.dataDir))
    const { code } = await admin.ok<{ code: string }>('POST', `${roomPath('talk')}/links`, { scope: 'read' }, 201)
    const ada = await api.ok<Redeemed>('POST', '/redeem', { code, displayName: 'Ada' })
    const bob = await api.ok<Redeemed>('POST', '/redeem', { code, displayName: 'Bob' })
    const sessions = async () =>
      Object.fromEntries((await admin.ok<{ grants: GrantWithSessions[] }>('GET', `${roomPath('talk')}/grants`)).grants.map((grant) => [grant.displayName, grant.sessions]))
    expect(await sessions()).toEqual({ Ada: 0, Bob: 0 })

    const phone = rawClient(relay.url, 'talk', ada.token)
    const laptop = rawClient(relay.url, 'talk', ada.token)
    const bobs = rawClient(relay.url, 'talk', bob.token)
    await Promise.all([phone.opened, laptop.opened, bobs.opened])
    expect(await sessions()).toEqual({ Ada: 2, Bob: 1 })

    phone.ws.close()
    bobs.ws.terminate()
    await Promise.all([phone.closed, bobs.closed])
    // The relay sees a close a moment after the client does: ask until it has.
    await waitFor(async () => JSON.stringify(await sessions()) === JSON.stringify({ Ada: 1, Bob: 0 }), 'closed sessions are no longer counted')
    laptop.ws.close()
  })
})

describe('open rooms', () => {
  it('lists the rooms open on this relay with their sessions, for the server admin only', async () => {
    const relay = await fixture.start()
    const api = new ApiClient(relay.url)
    const admin = api.as(await readAdminKey(relay.dataDir))
    expect(await admin.ok('GET', '/rooms')).toEqual({ rooms: [] })
    const a = [rawClient(relay.url, 'json:notebook:0b7c', await relay.mint('json:notebook:0b7c', 'read'))]
    a.push(rawClient(relay.url, 'json:notebook:0b7c', await relay.mint('json:notebook:0b7c', 'write')))
    const b = rawClient(relay.url, 'course/week-1', await relay.mint('course/week-1', 'read'))
    await Promise.all([...a, b].map((client) => client.opened))
    expect(await admin.ok('GET', '/rooms')).toEqual({
      rooms: [
        { room: 'json:notebook:0b7c', sessions: 2 },
        { room: 'course/week-1', sessions: 1 },
      ],
    })

    const { code } = await admin.ok<{ code: string }>('POST', `${roomPath('course/week-1')}/links`, { scope: 'admin' }, 201)
    const roomAdmin = api.as((await api.ok<Redeemed>('POST', '/redeem', { code })).guestKey!)
    expect(await roomAdmin.raw('GET', '/rooms')).toMatchObject({ status: 403, body: { error: 'forbidden' } })
    expect(await api.raw('GET', '/rooms')).toMatchObject({ status: 401, body: { error: 'unauthorized' } })
    for (const client of [...a, b]) client.ws.close()
  })
})
