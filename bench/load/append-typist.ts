/**
 * The updates a Yjs client produces when it types at the end of a text only it writes, encoded
 * directly (update format v1) instead of through a Y.Doc. A typing Y.Doc merges its consecutive
 * inserts into one item whose string grows by concatenation, and encoding the next update slices
 * that rope, which flattens it: each keystroke costs O(document) in the client. Building a
 * 100,000-update document that way measures the load generator, not the server.
 */
import * as encoding from 'lib0/encoding'

/** Item info byte: content type 4 (string), plus bit 8 when a left origin follows. */
const STRING_CONTENT = 4
const HAS_LEFT_ORIGIN = 0x80
/** Parent info for an item without origins: its parent is a root type, named next. */
const PARENT_IS_ROOT_TYPE = 1

export class AppendTypist {
  /** Clock of the next inserted character: each UTF-16 code unit takes one. */
  private clock = 0

  constructor(
    private readonly clientId: number,
    private readonly rootTypeName: string,
  ) {}

  /** The update that appends `text` after everything typed so far. */
  type(text: string): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 1) // structs of one client
    encoding.writeVarUint(encoder, 1) // one struct
    encoding.writeVarUint(encoder, this.clientId)
    encoding.writeVarUint(encoder, this.clock)
    if (this.clock === 0) {
      encoding.writeUint8(encoder, STRING_CONTENT)
      encoding.writeVarUint(encoder, PARENT_IS_ROOT_TYPE)
      encoding.writeVarString(encoder, this.rootTypeName)
    } else {
      encoding.writeUint8(encoder, STRING_CONTENT | HAS_LEFT_ORIGIN)
      encoding.writeVarUint(encoder, this.clientId)
      encoding.writeVarUint(encoder, this.clock - 1)
    }
    encoding.writeVarString(encoder, text)
    encoding.writeVarUint(encoder, 0) // empty delete set
    this.clock += text.length
    return encoding.toUint8Array(encoder)
  }
}
