/**
 * The scope message (README "Protocol"): sent on join and at every live scope change, before the
 * frames that go with the change; unmodified y-websocket 1.5.4 and 3.x clients ignore it.
 */
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import * as authProtocol from 'y-protocols/auth'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import type { GrantScope } from '../../protocol/api-types.js'
import { classifyFrame, isPermissionDenied } from '../../protocol/messages.js'
import { encodeScopeMessage, readScopeMessage, SCOPE_AUTH_SUBTYPE } from '../../protocol/scope-message.js'
import { sleep, text, waitFor, waitSynced, type ProviderVersion, useTestRelay } from '../support/relay-fixture.js'
import { adminApi, lecternApi, recordFrames } from '../support/token-service-client.js'

const fixture = useTestRelay()

describe('scope message encoding', () => {
  it('round-trips and is an auth message with a sub-type y-protocols does not define', () => {
    const frame = encodeScopeMessage('write')
    expect([...frame.subarray(0, 2)]).toEqual([2, SCOPE_AUTH_SUBTYPE])
    expect(classifyFrame(frame)).toBe('auth')
    expect(readScopeMessage(frame)).toBe('write')
    expect(readScopeMessage(encodeScopeMessage('read'))).toBe('read')
    // The bytes the README shows.
    expect(Buffer.from(encodeScopeMessage('read')).toString('hex')).toBe('024c0472656164')
    expect(Buffer.from(frame).toString('hex')).toBe('024c057772697465')
    expect(isPermissionDenied(frame)).toBe(false)
    // y-protocols reads the sub-type and skips it: no permission-denied handler runs.
    const denied = vi.fn()
    const decoder = decoding.createDecoder(frame)
    decoding.readVarUint(decoder)
    authProtocol.readAuthMessage(decoder, new Y.Doc(), denied)
    expect(denied).not.toHaveBeenCalled()
  })

  it('refuses frames that are not a well-formed scope message', () => {
    const truncated = encodeScopeMessage('read').subarray(0, 4)
    const other = encodeScopeMessage('write')
    other[3] = 'x'.charCodeAt(0)
    expect(readScopeMessage(truncated)).toBeNull()
    expect(readScopeMessage(other)).toBeNull()
    expect(readScopeMessage(new Uint8Array([2, 0, 1, 0x61]))).toBeNull()
  })
})

async function grantSetup() {
  const relay = await fixture.start()
  const admin = await adminApi(relay)
  const room = 'scoped'
  const { code } = await admin.createLink(room, { scope: 'read' })
  const redeemed = await lecternApi(relay.url).redeem({ code })
  const setScope = (scope: GrantScope) => admin.setGrant(room, redeemed.subject, { scope })
  return { relay, room, redeemed, setScope }
}

/** Milliseconds from sending `change` until `seen` holds, polling every millisecond. */
async function millisecondsUntil(change: () => Promise<unknown>, seen: () => boolean): Promise<number> {
  const started = performance.now()
  const request = change()
  while (!seen()) {
    if (performance.now() - started > 10_000) throw new Error('not seen within 10 s')
    await sleep(1)
  }
  const elapsed = performance.now() - started
  await request
  return elapsed
}

describe('the relay sends the scope message', () => {
  it('first thing on join: read, or write followed by the sync step 1', async () => {
    const relay = await fixture.start()
    const reader = fixture.raw('r', await relay.mint('r', 'read'))
    const writer = fixture.raw('r', await relay.mint('r', 'write'))
    await waitFor(() => reader.frames.length > 0 && writer.frames.length > 1, 'join frames')
    expect(readScopeMessage(reader.frames[0]!)).toBe('read')
    expect(readScopeMessage(writer.frames[0]!)).toBe('write')
    expect(classifyFrame(writer.frames[1]!)).toBe('sync-step1')
  })

  it('at every live change, before the step 1 of an upgrade and the permission-denied of a downgrade', async () => {
    const { room, redeemed, setScope } = await grantSetup()
    const session = fixture.raw(room, redeemed.token)
    await waitFor(() => session.frames.length > 0, 'joined')
    const scopes = () => session.frames.map(readScopeMessage).filter((scope) => scope !== null)

    const upgradeMs = await millisecondsUntil(() => setScope('write'), () => scopes().length === 2)
    await waitFor(() => session.frames.some((frame) => classifyFrame(frame) === 'sync-step1'), 'asked for its state')
    const downgradeMs = await millisecondsUntil(() => setScope('admin').then(() => setScope('read')), () => scopes().length === 3)
    await waitFor(() => session.frames.some(isPermissionDenied), 'told it is read-only')

    // admin edits like write: no message for write → admin, one for admin → read.
    expect(scopes()).toEqual(['read', 'write', 'read'])
    const kinds = session.frames.map((frame) => readScopeMessage(frame) ?? (isPermissionDenied(frame) ? 'denied' : classifyFrame(frame)))
    expect(kinds.indexOf('write')).toBeLessThan(kinds.indexOf('sync-step1'))
    expect(kinds.lastIndexOf('read')).toBeLessThan(kinds.indexOf('denied'))
    console.log(`scope message from the API request: upgrade ${upgradeMs.toFixed(1)} ms, downgrade (two requests) ${downgradeMs.toFixed(1)} ms`)
  })
})

describe('unmodified y-websocket clients', () => {
  for (const version of ['v1', 'v3'] as ProviderVersion[]) {
    it(`${version === 'v1' ? '1.5.4' : '3.x'} ignores the scope message and keeps working through an upgrade`, async () => {
      const errors = vi.spyOn(console, 'error')
      const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
      onTestFinished(() => {
        errors.mockRestore()
        warnings.mockRestore()
      })
      const { relay, room, redeemed, setScope } = await grantSetup()
      const client = fixture.connect(version, room, redeemed.token)
      const frames = recordFrames(client)
      const writer = fixture.connect(version, room, await relay.mint(room, 'write'))
      await Promise.all([waitSynced(client), waitSynced(writer)])
      writer.doc.getText('text').insert(0, 'from the writer. ')
      await waitFor(() => text(client.doc) === 'from the writer. ', 'the viewer receives')

      await setScope('write')
      await waitFor(() => frames.filter((frame) => readScopeMessage(frame) !== null).length === 2, 'both scope messages arrive')
      client.doc.getText('text').insert(0, 'upgraded. ')
      await waitFor(() => text(writer.doc) === 'upgraded. from the writer. ', 'the upgraded client writes')

      expect(client.provider.wsconnected).toBe(true)
      expect(errors).not.toHaveBeenCalled()
      expect(warnings).not.toHaveBeenCalled()
    })
  }
})
