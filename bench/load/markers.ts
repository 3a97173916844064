/**
 * Every bench edit inserts a marker `⟦writer.seq.sentMicros⟧`. Yjs stores inserted strings as
 * UTF-8 inside the update, and merging updates keeps one writer's strings in clock order, so a
 * receiver learns which edits a frame carries, in what order, and when each was sent, by scanning
 * the frame's bytes: no document apply on the hot path of a thousand receivers.
 */
/** UTF-8 of ⟦ (U+27E6) and the first byte of ⟧ (U+27E7). */
const OPEN_0 = 0xe2
const OPEN_1 = 0x9f
const OPEN_2 = 0xa6
const CLOSE_FIRST_BYTE = 0xe2
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

export function markerText(writer: number, seq: number, sentMicros: number): string {
  return `⟦${writer}.${seq}.${sentMicros}⟧`
}

export type MarkerSink = (writer: number, seq: number, sentMicros: number) => void

/** Where the next ⟦ starts at or after `from`, or -1. A plain loop: frames are short, and a native
 * indexOf call costs more than scanning a typing update's few dozen bytes. */
function findOpen(frame: Uint8Array, from: number): number {
  for (let i = from; i + 2 < frame.length; i++) {
    if (frame[i] === OPEN_0 && frame[i + 1] === OPEN_1 && frame[i + 2] === OPEN_2) return i
  }
  return -1
}

/** Calls `sink` for each well-formed marker in `frame`, in byte order; returns how many. */
export function scanMarkers(frame: Uint8Array, sink: MarkerSink): number {
  let found = 0
  let at = findOpen(frame, 0)
  const fields = [0, 0, 0]
  while (at !== -1) {
    let position = at + 3
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
    at = findOpen(frame, position)
  }
  return found
}
