/**
 * What a room forwards of an update: the sender's bytes when the room integrates all of them (no
 * re-encoding, whose cost grows with the document), only the new part when the update repeats what
 * the room has, and nothing is taken as fresh that Yjs would park.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { integrateUpdate } from '../../relay/core/integrate-update.js'
import { checkUpdate } from '../../relay/core/update-check.js'

const MAX_STRUCTS = 10_000

function typedInto(doc: Y.Doc, edit: (text: Y.Text) => void): Uint8Array {
  let update: Uint8Array | null = null
  const capture = (encoded: Uint8Array) => (update = encoded)
  doc.on('update', capture)
  edit(doc.getText('text'))
  doc.off('update', capture)
  return update!
}

describe('integrating an update into a room', () => {
  it('forwards a continuing keystroke as sent and applies it', () => {
    const writer = new Y.Doc()
    const room = new Y.Doc()
    Y.applyUpdate(room, typedInto(writer, (text) => text.insert(0, 'hello')))
    const keystroke = typedInto(writer, (text) => text.insert(5, '!'))
    const checked = checkUpdate(room, keystroke, MAX_STRUCTS)
    expect(checked.fresh).toBe(true)
    expect(integrateUpdate(room, keystroke, checked.fresh, null)).toBe(keystroke)
    expect(room.getText('text').toString()).toBe('hello!')
  })

  it('forwards only what the room lacked of an update that repeats what it has', () => {
    const writer = new Y.Doc()
    const room = new Y.Doc()
    typedInto(writer, (text) => text.insert(0, 'known'))
    Y.applyUpdate(room, Y.encodeStateAsUpdate(writer))
    typedInto(writer, (text) => text.insert(5, ' and new'))
    const whole = Y.encodeStateAsUpdate(writer)
    const checked = checkUpdate(room, whole, MAX_STRUCTS)
    expect(checked.fresh).toBe(false)
    const changed = integrateUpdate(room, whole, checked.fresh, null)!
    const receiver = new Y.Doc()
    Y.applyUpdate(receiver, changed)
    // A receiver that had nothing gets the new part only: it cannot place it without the rest.
    expect(receiver.getText('text').toString()).toBe('')
    expect(changed.length).toBeLessThan(whole.length)
    expect(room.getText('text').toString()).toBe('known and new')
  })

  it('refuses an update that deletes clocks the room lacks (Yjs would park the delete)', () => {
    const writer = new Y.Doc()
    const room = new Y.Doc()
    Y.applyUpdate(room, typedInto(writer, (text) => text.insert(0, 'ab')))
    const unseen = typedInto(writer, (text) => text.insert(2, 'cd'))
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(writer))
    const deletesUnseen = typedInto(other, (text) => {
      text.insert(0, 'x')
      text.delete(3, 2)
    })
    expect(unseen.length).toBeGreaterThan(0)
    expect(() => checkUpdate(room, deletesUnseen, MAX_STRUCTS)).toThrow(expect.objectContaining({ refusal: 'missing-dependencies' }))
  })

  it('returns nothing for an update the room already has in full', () => {
    const writer = new Y.Doc()
    const room = new Y.Doc()
    const update = typedInto(writer, (text) => text.insert(0, 'twice'))
    Y.applyUpdate(room, update)
    const checked = checkUpdate(room, update, MAX_STRUCTS)
    expect(checked.fresh).toBe(false)
    expect(integrateUpdate(room, update, checked.fresh, null)).toBeNull()
  })
})
