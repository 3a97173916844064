/**
 * What the presenter's console asks of the API beyond the token service's own calls: live session
 * counts per grant, open rooms, who a credential is (and whether it may open rooms), and the labels
 * of the rooms shared with them.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.js'
import { rawClient, useTestRelay, waitFor } from '../support/relay-fixture.js'
import { adminApi, lecternApi } from '../support/token-service-client.js'

const fixture = useTestRelay()
let idp: TestIdentityProvider | undefined
afterEach(async () => {
  await idp?.dispose()
  idp = undefined
})

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

describe('who am I', () => {
  it('tells the console who each credential is and whether it may open rooms', async () => {
    idp = await startIdentityProvider()
    const relay = await fixture.start({}, { tokenService: { ...TOKEN_SERVICE_DEFAULTS, identity: idp.settings, roomCreators: ['group:staff'] } })
    const api = lecternApi(relay.url)
    const admin = await adminApi(relay)
    const ada = api.withCredential(await idp.identify('ada', ['staff']))
    const sam = api.withCredential(await idp.identify('sam', ['students']))
    const { code } = await admin.createLink('talk', { scope: 'admin', maxUses: 1 })
    const guest = api.withCredential((await api.redeem({ code })).guestKey!)

    expect(await admin.whoAmI()).toEqual({ kind: 'admin', groups: [], mayOpenRooms: false })
    expect(await ada.whoAmI()).toEqual({ kind: 'user', subject: 'user:ada', groups: ['staff'], mayOpenRooms: true })
    expect(await sam.whoAmI()).toEqual({ kind: 'user', subject: 'user:sam', groups: ['students'], mayOpenRooms: false })
    expect(await guest.whoAmI()).toMatchObject({ kind: 'guest', subject: expect.stringMatching(/^user:anon-/), mayOpenRooms: false })
    // What it says is what POST /rooms does.
    await expect(sam.createRoom()).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    await expect(guest.createRoom()).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    await expect(api.whoAmI()).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    await expect(api.withCredential('lct_guest_not-a-key').whoAmI()).rejects.toMatchObject({ status: 401 })

    // The rooms shared with a presenter carry the label they gave the rooms they opened.
    const opened = await ada.createRoom({ label: 'Intro to Yjs' })
    await admin.setGrant('course-101/*', 'group:staff', { scope: 'admin' })
    expect(await ada.myRooms()).toEqual([
      expect.objectContaining({ room: 'course-101/*', scope: 'admin', via: 'group' }),
      expect.objectContaining({ room: opened.room, scope: 'admin', via: 'user', label: 'Intro to Yjs' }),
    ])
    expect((await ada.myRooms())[0]).not.toHaveProperty('label')
  })
})
