/**
 * A writer cannot delete another writer's future text: an update whose delete set names clocks the
 * room has not received is refused. Yjs would park such a delete and apply it when the clocks
 * arrive, erasing the other writer's next words in the room but not on that writer's screen.
 */
import * as encoding from 'lib0/encoding'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeSyncUpdate } from '../../protocol/messages.js'
import { text, useTestRelay, waitFor, waitSynced } from '../support/relay-fixture.js'

const ROOM = 'parked-delete'
const fixture = useTestRelay()

/** An update with no structs and one delete range: `length` clocks of `client` from `clock`. */
function deleteOnlyUpdate(client: number, clock: number, length: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 0)
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, client)
  encoding.writeVarUint(encoder, 1)
  encoding.writeVarUint(encoder, clock)
  encoding.writeVarUint(encoder, length)
  return encoding.toUint8Array(encoder)
}

it("refuses a delete of another writer's clocks the room lacks, so that writer's next edit stays", async () => {
  const relay = await fixture.start()
  const ada = fixture.connect('v3', ROOM, await relay.mint(ROOM, 'write', { sub: 'ada' }))
  await waitSynced(ada)
  ada.doc.getText('text').insert(0, 'agreed')
  const room = () => relay.relay.rooms.get(ROOM)!
  await waitFor(() => text(room().doc) === 'agreed', 'the first edit reaches the room')

  const failedBefore = relay.relay.counters.failedUpdates
  const mallory = fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: 'mallory' }))
  await mallory.opened
  const next = Y.getState(ada.doc.store, ada.doc.clientID)
  mallory.send(encodeSyncUpdate(deleteOnlyUpdate(ada.doc.clientID, next, 5)))
  await waitFor(() => relay.relay.counters.failedUpdates === failedBefore + 1, 'the delete is refused')

  ada.doc.getText('text').insert(6, ' more')
  await waitFor(() => Y.getState(room().doc.store, ada.doc.clientID) === next + 5, 'the second edit reaches the room')
  expect(text(room().doc)).toBe('agreed more')
  const late = fixture.connect('v1', ROOM, await relay.mint(ROOM, 'read', { sub: 'late' }))
  await waitSynced(late)
  expect(text(late.doc)).toBe('agreed more')
})
