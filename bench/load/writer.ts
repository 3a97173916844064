/** A typist: a session with its own document that appends one marker per keystroke. */
import * as Y from 'yjs'
import { markerText } from './markers.js'
import type { ClientKind } from '../spec.js'
import { BenchSession, FROM_SERVER } from './session.js'
import type { Wire } from './wire.js'

export class TypingWriter {
  readonly session: BenchSession
  readonly doc = new Y.Doc()
  private readonly text = this.doc.getText('t')

  constructor(wire: Wire, base: string, room: string, token: string, readonly index: number, client: ClientKind = 'lean') {
    this.session = new BenchSession(wire, base, room, token, this.doc, client)
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== FROM_SERVER) this.session.send(wire.frame(room, 'update', update))
    })
  }

  /** One keystroke: a local transaction, sent to the server as one update. */
  type(seq: number, sentMicros: number): void {
    this.text.insert(this.text.length, markerText(this.index, seq, sentMicros))
  }
}

/** The text every bench document holds. */
export function documentText(doc: Y.Doc): string {
  return doc.getText('t').toString()
}
