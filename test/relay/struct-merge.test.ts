import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { mergeDecodedUpdates, type DecodedStructs } from '../../relay/core/struct-merge.js'
import { checkUpdate } from '../../relay/core/update-check.js'

const MAX_STRUCTS = 100_000

/** Editors of one document, each with its own client id, and the room they all write to. */
function setup(editors: number) {
  const room = new Y.Doc()
  const docs = Array.from({ length: editors }, (_, n) => {
    const doc = new Y.Doc()
    doc.clientID = 100 + n
    return doc
  })
  const sent: Uint8Array[] = []
  const decoded = new Map<Uint8Array, DecodedStructs | undefined>()
  for (const doc of docs) {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'room') return
      sent.push(update)
      // The room checks each update, applies it and hands its structs to the outbox, as it does
      // for a session's frame; every editor sees it at once, so the next edit builds on it.
      decoded.set(update, checkUpdate(room, update, MAX_STRUCTS).structs)
      Y.applyUpdate(room, update)
      for (const other of docs) if (other !== doc) Y.applyUpdate(other, update, 'room')
    })
  }
  const merge = (updates: Uint8Array[]) => mergeDecodedUpdates(updates.map((update) => decoded.get(update)))
  return { room, docs, sent, merge, decoded }
}

/** What a receiver holding `before` ends with after applying `update`. */
function after(before: Uint8Array, update: Uint8Array) {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, before)
  Y.applyUpdate(doc, update)
  return { content: doc.toJSON(), state: Y.encodeStateVector(doc) }
}

describe('merging the decoded structs of a flush', () => {
  it('gives what Y.mergeUpdates gives, for typing, maps, nested types and several structs per update', () => {
    const { room, docs, sent, merge } = setup(3)
    docs[0]!.getText('t').insert(0, 'hello')
    const before = Y.encodeStateAsUpdate(room)
    const first = sent.length
    docs[1]!.getText('t').insert(5, ' world')
    docs[0]!.getText('t').insert(0, '> ')
    docs[2]!.getMap('m').set('cursor', { line: 3, ch: 7 })
    docs[1]!.getText('t').insert(2, 'é😀')
    docs[2]!.transact(() => {
      const list = new Y.Array<unknown>()
      docs[2]!.getMap('m').set('list', list)
      list.push([1, 'two', new Uint8Array([3])])
      docs[2]!.getText('t').insert(0, '#', { bold: true })
    })
    docs[0]!.getText('t').insert(1, 'x')
    const batch = sent.slice(first)
    const merged = merge(batch)
    expect(merged).not.toBeNull()
    const expected = after(before, Y.mergeUpdates(batch))
    const got = after(before, merged!)
    expect(got.content).toEqual(expected.content)
    expect(got.state).toEqual(expected.state)
    expect(got.content).toEqual(room.toJSON())
  })

  it('leaves to Yjs a flush with a delete in it, or with a gap in a client’s clocks', () => {
    const { docs, sent, merge, decoded } = setup(2)
    docs[0]!.getText('t').insert(0, 'abc')
    docs[1]!.getText('t').insert(3, 'def')
    docs[0]!.getText('t').delete(0, 1)
    docs[0]!.getText('t').insert(0, 'x')
    docs[0]!.getText('t').insert(0, 'g')
    const [insertA, insertB, deletion, insertX, insertG] = sent
    expect(merge([insertA!, insertB!])).not.toBeNull()
    expect(merge([insertB!, deletion!])).toBeNull()
    expect(merge([insertA!, insertX!, insertG!])).not.toBeNull()
    // Client 100's 'abc' and 'g' without the 'x' between them: not a run of clocks.
    expect(merge([insertA!, insertG!])).toBeNull()
    // An update whose structs the room did not hand on (a remote one, say).
    expect(mergeDecodedUpdates([decoded.get(insertA!), undefined])).toBeNull()
    // An update that deletes is not handed on as structs: its delete set would be lost.
    expect(decoded.get(deletion!)).toBeUndefined()
    expect(decoded.get(insertG!)).toBeDefined()
  })
})
