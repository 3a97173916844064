/**
 * Who the viewer lists as presenting, from a room's awareness as real y-protocols instances hold it:
 * JupyterLab's own user state (jupyter-collaboration), the Lectern extension's presenter and its
 * attendees, and viewers that publish no user.
 */
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { expect, it } from 'vitest'
import { describePresence, presenceOf } from '../../examples/web/src/viewer/presence.js'

/** Another client of the room, whose awareness state reaches `room` as the relay would forward it. */
function peer(room: Awareness, state: Record<string, unknown> | null): void {
  const other = new Awareness(new Y.Doc())
  other.setLocalState(state)
  applyAwarenessUpdate(room, encodeAwarenessUpdate(other, [other.clientID]), 'relay')
  other.destroy()
}

it('counts the JupyterLab extension attendees as watching, not presenting', () => {
  const viewer = new Awareness(new Y.Doc())
  peer(viewer, { user: { name: 'Ada', color: '#1864ab' }, lectern: { role: 'presenter' } })
  peer(viewer, { user: { username: 'grace', display_name: 'Grace' } })
  peer(viewer, { user: { name: 'Anonymous Kale', color: '#aa0000' }, lectern: { role: 'attendee' } })
  peer(viewer, { user: { name: 'Anonymous Io', color: '#00aa00' }, lectern: { role: 'attendee' } })
  peer(viewer, {})

  expect(describePresence(presenceOf(viewer))).toBe('Presenting: Ada, Grace · 4 watching')
  viewer.destroy()
})
