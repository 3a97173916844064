/** What the presenter's console asks of the API beyond the token service's own calls: live session counts per grant, open rooms. */
import { describe, expect, it } from 'vitest'
import { rawClient, useTestRelay, waitFor } from '../support/relay-fixture.js'
import { adminApi, lecternApi } from '../support/token-service-client.js'

const fixture = useTestRelay()

describe('grants list', () => {
  it('counts each grant’s connected sessions, live', async () => {
    const relay = await fixture.start()
    const api = lecternApi(relay.url)
    const admin = await adminApi(relay)
    const { code } = await admin.createLink('talk', { scope: 'read' })
    const ada = await api.redeem({ code, displayName: 'Ada' })
    const bob = await api.redeem({ code, displayName: 'Bob' })
    const sessions = async () => Object.fromEntries((await admin.listGrants('talk')).map((grant) => [grant.displayName, grant.sessions]))
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
    const api = lecternApi(relay.url)
    const admin = await adminApi(relay)
    expect(await admin.liveRooms()).toEqual([])
    const a = [rawClient(relay.url, 'json:notebook:0b7c', await relay.mint('json:notebook:0b7c', 'read'))]
    a.push(rawClient(relay.url, 'json:notebook:0b7c', await relay.mint('json:notebook:0b7c', 'write')))
    const b = rawClient(relay.url, 'course/week-1', await relay.mint('course/week-1', 'read'))
    await Promise.all([...a, b].map((client) => client.opened))
    expect(await admin.liveRooms()).toEqual([
      { room: 'json:notebook:0b7c', sessions: 2 },
      { room: 'course/week-1', sessions: 1 },
    ])

    const { code } = await admin.createLink('course/week-1', { scope: 'admin' })
    const roomAdmin = api.withCredential((await api.redeem({ code })).guestKey!)
    await expect(roomAdmin.liveRooms()).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    await expect(api.liveRooms()).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    for (const client of [...a, b]) client.ws.close()
  })
})
