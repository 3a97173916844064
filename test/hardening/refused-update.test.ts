import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeSyncStep2, encodeSyncUpdate } from '../../protocol/messages.js'
import { text, useTestRelay, waitFor, waitSynced } from '../support/relay-fixture.js'

const ROOM = 'refused-update'
const fixture = useTestRelay()

/** Valid structs followed by a delete set cut off in the middle: Yjs integrates the structs, then throws. */
function cutDeleteSetUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('text').insert(0, 'hidden text')
  doc.getText('text').delete(0, 3)
  const whole = Y.encodeStateAsUpdate(doc)
  return whole.slice(0, whole.length - 2)
}

describe('a refused update', () => {
  it.each([
    ['update', encodeSyncUpdate],
    ['sync step 2', encodeSyncStep2],
  ])('leaves the room exactly as it was (%s)', async (_kind, wrap) => {
    const relay = await fixture.start()
    const writer = fixture.connect('v3', ROOM, await relay.mint(ROOM, 'write', { sub: 'ada' }))
    await waitSynced(writer)
    writer.doc.getText('text').insert(0, 'agreed')
    const room = () => relay.relay.rooms.get(ROOM)!
    await waitFor(() => text(room().doc) === 'agreed', 'honest edit applied')
    const stateBefore = Y.encodeStateVector(room().doc)
    const failedBefore = relay.relay.counters.failedUpdates

    const attacker = fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: 'mallory' }))
    await attacker.opened
    attacker.send(wrap(cutDeleteSetUpdate()))
    await waitFor(() => relay.relay.counters.failedUpdates === failedBefore + 1, 'update refused')

    expect(Y.encodeStateVector(room().doc)).toEqual(stateBefore)
    expect(text(room().doc)).toBe('agreed')
    const late = fixture.connect('v1', ROOM, await relay.mint(ROOM, 'read', { sub: 'late' }))
    await waitSynced(late)
    expect(text(late.doc)).toBe('agreed')
  })
})
