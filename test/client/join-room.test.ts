/**
 * lectern/client in Node against real relays: joining with a share code, the guest key kept,
 * refresh of an expired token, live scope changes, revocation that stops reconnecting, and no
 * BroadcastChannel.
 */
import WebSocket from 'ws'
import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { memoryStorage, type RoomHandle } from '../../client/index.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { startIdentityProvider } from '../support/identity-provider.js'
import { ManualClock } from '../support/manual-clock.js'
import { sleep, text, waitFor } from '../support/relay-fixture.js'
import { nextEvent, useClientFixture } from '../support/client-fixture.js'

const fixture = useClientFixture()

function type(handle: RoomHandle, words: string): void {
  handle.doc.getText('text').insert(text(handle.doc).length, words)
}

describe('joinRoom', () => {
  it('redeems a share code, keeps the guest key, and converges with a writer', async () => {
    await fixture.start()
    const { code } = await fixture.admin.createLink('talk', { scope: 'read' })
    const writer = await fixture.join({ room: 'talk', token: await fixture.relay.mint('talk', 'write', { sub: 'ada' }) })
    const storage = memoryStorage()
    const viewer = await fixture.join({ code, storage, displayName: 'Bob' })
    await Promise.all([writer.synced, viewer.synced])
    expect(viewer).toMatchObject({ room: 'talk', scope: 'read', status: 'live', subject: expect.stringMatching(/^user:anon-/) })
    const guestKey = storage.get(`lectern.guestKey ${fixture.admin.api}`)
    expect(guestKey).toMatch(/^lct_guest_/)

    type(writer, 'Hello, viewers.')
    await waitFor(() => text(viewer.doc) === 'Hello, viewers.', 'the viewer follows')

    // Back later with the same storage: the same guest, without a code.
    viewer.destroy()
    const again = await fixture.join({ room: 'talk', storage })
    await again.synced
    expect(again.subject).toBe(viewer.subject)
    expect(text(again.doc)).toBe('Hello, viewers.')
    expect(await fixture.admin.listGrants('talk')).toMatchObject([{ subject: viewer.subject, displayName: 'Bob' }])
  })

  it('becomes a new guest when the stored guest key is one the server does not know', async () => {
    await fixture.start()
    const { code } = await fixture.admin.createLink('talk', { scope: 'read' })
    const storage = memoryStorage()
    const keyName = `lectern.guestKey ${fixture.admin.api}`
    storage.set(keyName, 'lct_guest_from-another-deployment')
    const viewer = await fixture.join({ code, storage })
    await viewer.synced
    expect(storage.get(keyName)).toMatch(/^lct_guest_/)
    expect(storage.get(keyName)).not.toBe('lct_guest_from-another-deployment')
  })

  it('refuses to start without a WebSocket or anything to join with', async () => {
    await fixture.start()
    await expect(fixture.join({ room: 'r', WebSocket: undefined })).rejects.toThrow(/no global WebSocket.*pass one/)
    await expect(fixture.join({ room: 'r' })).rejects.toThrow(/no credential or token/)
    await expect(fixture.join({ code: 'lct_share_unknown' })).rejects.toMatchObject({ name: 'LecternApiError', status: 404, code: 'unknown_code' })
  })

  it('refreshes an expired token when the relay refuses a reconnect with 4401', async () => {
    const clock = new ManualClock()
    await fixture.start({}, { clock })
    const { code } = await fixture.admin.createLink('long-talk', { scope: 'write' })
    const calls: string[] = []
    const handle = await fixture.join({
      code,
      fetch: (input, init) => {
        calls.push(new URL(input).pathname)
        return fetch(input, init)
      },
    })
    await handle.synced
    const closes: number[] = []
    handle.provider.on('connection-close', (event) => event && closes.push(event.code))

    // Eleven minutes on, by the relay's clock the token has expired; the session (grant-backed) stays.
    clock.advance(11 * 60_000)
    for (const session of fixture.relay.relay.sessions) session.ws.terminate()
    await waitFor(() => closes.includes(4401), 'the reconnect is refused as expired')
    await waitFor(() => handle.status === 'live' && closes.length >= 2, 'live again on a fresh token')
    expect(calls).toEqual(['/api/v1/redeem', '/api/v1/rooms/long-talk/token'])
    type(handle, 'still writing')
    const check = await fixture.join({ room: 'long-talk', token: await fixture.relay.mint('long-talk', 'read') })
    await waitFor(() => text(check.doc) === 'still writing', 'the edit after the refresh arrives')
  })

  it('says the credential itself is refused when an expired identity token cannot refresh the room token', async () => {
    const clock = new ManualClock()
    const idp = await startIdentityProvider()
    onTestFinished(() => idp.dispose())
    await fixture.start({}, { clock, tokenService: { ...TOKEN_SERVICE_DEFAULTS, identity: idp.settings } })
    await fixture.admin.setGrant('seminar', 'user:sam', { scope: 'read' })
    const handle = await fixture.join({ room: 'seminar', credential: await idp.identify('sam', [], '5m') })
    await handle.synced
    const revoked = nextEvent(handle, 'revoked')

    // Eleven minutes on, by the relay's clock, the room token and the identity token have expired.
    clock.advance(11 * 60_000)
    for (const session of fixture.relay.relay.sessions) session.ws.terminate()
    expect(await revoked).toMatch(/^unauthorized: /)
    expect(handle.status).toBe('offline')
  })

  it('reports upgrades and downgrades through scope, from the relay scope message', async () => {
    await fixture.start()
    const { code } = await fixture.admin.createLink('demo', { scope: 'read' })
    const student = await fixture.join({ code })
    await student.synced
    const scopes: string[] = []
    student.on('scope', (scope) => scopes.push(scope))
    const measured: number[] = []
    for (const scope of ['write', 'read', 'write', 'read'] as const) {
      const seen = nextEvent(student, 'scope')
      const started = performance.now()
      await fixture.admin.setGrant('demo', student.subject!, { scope })
      await seen
      measured.push(performance.now() - started)
    }
    expect(scopes).toEqual(['write', 'read', 'write', 'read'])
    console.log(`scope event after the API request: ${measured.map((ms) => `${ms.toFixed(1)} ms`).join(', ')}`)
  })

  it('stops for good on revocation: no reconnects, live or at the next handshake', async () => {
    await fixture.start()
    const { code } = await fixture.admin.createLink('ending', { scope: 'read' })
    const live = await fixture.join({ code })
    const away = await fixture.join({ code })
    await Promise.all([live.synced, away.synced])
    const revoked = [nextEvent(live, 'revoked'), nextEvent(away, 'revoked')]

    // `away` is between connections when its grant goes: its next handshake is refused with 4403.
    const awaySession = [...fixture.relay.relay.sessions].find((session) => session.sub === away.subject)!
    awaySession.ws.terminate()
    await fixture.admin.revokeGrant('ending', away.subject!)
    await fixture.admin.revokeGrant('ending', live.subject!)
    const before = fixture.handshakes
    expect(await Promise.all(revoked)).toEqual(['grant revoked', 'grant revoked'])
    await sleep(5000)
    console.log(`handshakes in the 5 s after the revocation: ${fixture.handshakes - before}`)
    expect(fixture.handshakes - before).toBeLessThanOrEqual(1)
    expect([live.status, away.status]).toEqual(['offline', 'offline'])
    expect(fixture.relay.relay.sessions.size).toBe(0)
  }, 20_000)

  it('never uses BroadcastChannel: a plain y-websocket tab of the same room hears nothing from it', async () => {
    await fixture.start()
    // A y-websocket provider with BroadcastChannel on (its default), refused by the relay: it can
    // only learn of the room's changes over BroadcastChannel, which works within one Node process.
    const bystanderDoc = new Y.Doc()
    const WebSocketPolyfill = WebSocket as unknown as typeof globalThis.WebSocket
    const bystander = new WebsocketProvider(fixture.relay.url, 'tabs', bystanderDoc, { params: { token: 'not-a-token' }, WebSocketPolyfill })
    onTestFinished(() => bystander.destroy())
    const control = new WebsocketProvider(fixture.relay.url, 'tabs', new Y.Doc(), { connect: false, WebSocketPolyfill })
    control.connectBc()
    onTestFinished(() => control.destroy())

    const writer = await fixture.join({ room: 'tabs', token: await fixture.relay.mint('tabs', 'write') })
    const reader = await fixture.join({ room: 'tabs', token: await fixture.relay.mint('tabs', 'read') })
    await Promise.all([writer.synced, reader.synced])
    type(writer, 'from the writer')
    await waitFor(() => text(reader.doc) === 'from the writer', 'the reader follows through the relay')
    // The control proves the channel works here: what it publishes reaches the bystander.
    control.doc.getText('control').insert(0, 'over the channel')
    await waitFor(() => bystanderDoc.getText('control').toString() === 'over the channel', 'BroadcastChannel delivers in this process')
    expect(writer.provider.bcconnected || reader.provider.bcconnected).toBe(false)
    expect(text(bystanderDoc)).toBe('')
  })

})
