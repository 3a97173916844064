/**
 * One stream entry: the node that wrote it (`n`), the merged document updates of one event-loop
 * turn (`u`) and that turn's awareness frames (`a`, each length-prefixed). Either may be absent.
 * A compaction's marker has neither, only the last id it trimmed (`t`; see COMPACT_SCRIPT).
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import type { StreamEntry } from './stream-reader.js'

export interface PendingEntry {
  updates: Uint8Array[]
  awareness: Uint8Array[]
}

export interface DecodedEntry {
  member: string
  update: Uint8Array | null
  awareness: Uint8Array[]
  /** On a compaction's marker: the id of the last entry it trimmed from the stream. */
  trimmedThrough: string | null
  /** Size of the entry's payload, for compaction accounting. */
  bytes: number
}

export function encodeEntryFields(member: string, pending: PendingEntry): { args: Array<string | Buffer>; bytes: number } {
  const args: Array<string | Buffer> = ['n', member]
  let bytes = 0
  if (pending.updates.length > 0) {
    const update = pending.updates.length === 1 ? pending.updates[0]! : Y.mergeUpdates(pending.updates)
    args.push('u', Buffer.from(update.buffer, update.byteOffset, update.byteLength))
    bytes += update.length
  }
  if (pending.awareness.length > 0) {
    const encoder = encoding.createEncoder()
    for (const frame of pending.awareness) encoding.writeVarUint8Array(encoder, frame)
    const packed = encoding.toUint8Array(encoder)
    args.push('a', Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength))
    bytes += packed.length
  }
  return { args, bytes }
}

export function decodeEntry(entry: StreamEntry): DecodedEntry {
  const member = entry.fields.get('n')?.toString() ?? ''
  const update = entry.fields.get('u') ?? null
  const packed = entry.fields.get('a')
  const awareness: Uint8Array[] = []
  if (packed) {
    const decoder = decoding.createDecoder(packed)
    while (decoding.hasContent(decoder)) awareness.push(decoding.readVarUint8Array(decoder))
  }
  const trimmedThrough = entry.fields.get('t')?.toString() ?? null
  return { member, update, awareness, trimmedThrough, bytes: (update?.length ?? 0) + (packed?.length ?? 0) }
}
