/**
 * Every bench edit inserts a marker `⟦writer.seq.sentMicros⟧`. Yjs stores inserted strings as
 * UTF-8 inside the update, and merging updates keeps one writer's strings in clock order, so a
 * receiver learns which edits a frame carries, in what order, and when each was sent, by scanning
 * the frame's bytes: no document apply on the hot path of a thousand receivers.
 */
const OPEN = Buffer.from('⟦')
const CLOSE_FIRST_BYTE = Buffer.from('⟧')[0]!
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

export function markerText(writer: number, seq: number, sentMicros: number): string {
  return `⟦${writer}.${seq}.${sentMicros}⟧`
}

export type MarkerSink = (writer: number, seq: number, sentMicros: number) => void

/** Calls `sink` for each well-formed marker in `frame`, in byte order; returns how many. */
export function scanMarkers(frame: Buffer, sink: MarkerSink): number {
  let found = 0
  let at = frame.indexOf(OPEN)
  const fields = [0, 0, 0]
  while (at !== -1) {
    let position = at + OPEN.length
    let field = 0
    let digits = 0
    fields[0] = fields[1] = fields[2] = 0
    for (; position < frame.length; position++) {
      const byte = frame[position]!
      if (byte >= ZERO && byte <= NINE) {
        fields[field] = fields[field]! * 10 + (byte - ZERO)
        digits++
      } else if (byte === DOT && digits > 0 && field < 2) {
        field++
        digits = 0
      } else {
        break
      }
    }
    if (field === 2 && digits > 0 && frame[position] === CLOSE_FIRST_BYTE) {
      sink(fields[0]!, fields[1]!, fields[2]!)
      found++
    }
    at = frame.indexOf(OPEN, position)
  }
  return found
}
