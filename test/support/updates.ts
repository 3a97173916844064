/** Hand-built Yjs updates for tests that attack the relay with valid but costly documents. */
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/** One client's `count` garbage-collected structs of length 1: two bytes each, all valid. */
export function gcStructsUpdate(client: number, count: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint(e, count)
  encoding.writeVarUint(e, client)
  encoding.writeVarUint(e, 0)
  for (let i = 0; i < count; i++) {
    encoding.writeUint8(e, 0)
    encoding.writeVarUint(e, 1)
  }
  encoding.writeVarUint(e, 0)
  return encoding.toUint8Array(e)
}

/** A state vector that claims `clock` for `client`. */
export function stateVectorOf(entries: Array<[client: number, clock: number]>): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, entries.length)
  for (const [client, clock] of entries) {
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, clock)
  }
  return encoding.toUint8Array(e)
}

/** A document whose text is `count` one-character items that cannot merge (each typed at the start). */
export function fragmentedDoc(count: number, clientId = 4242): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientId
  const content = doc.getText('text')
  doc.transact(() => {
    for (let i = 0; i < count; i++) content.insert(0, String(i % 10))
  })
  return doc
}
