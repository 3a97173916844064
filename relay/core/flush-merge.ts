/**
 * Merges the messages of one flush, so a receiver parses one document update and one awareness
 * update per flush instead of one message per edit. Work is proportional to the batch (and to the
 * writers in it), never to the receivers: every receiver that sent nothing gets the same bytes.
 */
import * as Y from 'yjs'
import { encodeAwarenessEntries, readAwarenessFrame, REMOVED_STATE, type AwarenessEntry } from '../../protocol/awareness.js'
import { encodeSyncUpdate, MessageType } from '../../protocol/messages.js'
import type { Session } from './session.js'
import { mergeDecodedUpdates, type DecodedStructs } from './struct-merge.js'

export interface OutboxEntry {
  /** The message as it arrived or was built: a complete y-websocket frame payload. */
  message: Uint8Array
  /**
   * The session a document update came from: it never gets it back alone (see forOrigin). Null: an
   * update from another node, or any other message, which everyone gets.
   */
  origin: Session | null
  /** For document updates: the Yjs update inside `message`, so it can be merged without decoding. */
  update?: Uint8Array
  /** The update's structs, when the room decoded them and it deletes nothing (struct-merge.ts). */
  structs?: DecodedStructs
}

export class MergedFlush {
  /** What a receiver that sent none of the batch's messages gets. */
  readonly forEveryone: Uint8Array[]
  private readonly updates: OutboxEntry[] = []
  private readonly rest: OutboxEntry[] = []
  private readonly awareness: Uint8Array | null
  /** The sessions that sent updates in this batch, with how many each sent. */
  private readonly origins = new Map<Session, number>()

  constructor(batch: readonly OutboxEntry[]) {
    const awareness: OutboxEntry[] = []
    for (const entry of batch) {
      if (entry.origin) this.origins.set(entry.origin, (this.origins.get(entry.origin) ?? 0) + 1)
      if (entry.update) this.updates.push(entry)
      else if (entry.message[0] === MessageType.awareness) awareness.push(entry)
      else this.rest.push(entry)
    }
    this.awareness = awareness.length === 0 ? null : mergeAwareness(awareness.map((entry) => entry.message))
    const document = mergeDocumentUpdates(this.updates)
    this.forEveryone = this.assemble(document ? [document] : [])
  }

  /** True when `session` sent one of the batch's messages, and so may need its own selection. */
  isOrigin(session: Session): boolean {
    return this.origins.has(session)
  }

  /**
   * What a writer gets, or null when it gets what everyone gets. A writer whose updates are all the
   * batch holds gets none of them back. When others' updates came with its own, it gets the merged
   * update of everyone, its own changes inside: its Yjs skips what it has, as with the reference
   * server, which echoes every update. Merging again without each writer's own made a flush of four
   * typists five merges (the largest cost of a flush in scenario B's profile), and sending the
   * others' updates unmerged made each typist's client apply them one transaction at a time.
   */
  forOrigin(session: Session): Uint8Array[] | null {
    if ((this.origins.get(session) ?? 0) < this.updates.length) return null
    return this.assemble([])
  }

  /** Appends the batch's awareness and other messages, which everyone gets, to the document messages. */
  private assemble(messages: Uint8Array[]): Uint8Array[] {
    if (this.awareness) messages.push(this.awareness)
    for (const entry of this.rest) messages.push(entry.message)
    return messages
  }
}

/** One sync-update message for all of `entries`; a single update keeps its original bytes. */
function mergeDocumentUpdates(entries: readonly OutboxEntry[]): Uint8Array | null {
  if (entries.length === 0) return null
  if (entries.length === 1) return entries[0]!.message
  const merged = mergeDecodedUpdates(entries.map((entry) => entry.structs)) ?? Y.mergeUpdates(entries.map((entry) => entry.update!))
  return encodeSyncUpdate(merged)
}

/**
 * One awareness frame holding the newest entry of each client, as y-protocols would keep it: the
 * higher clock wins, and at the same clock a removal wins. Frames in the outbox were checked by
 * the room, so decoding cannot fail; a single frame is passed through untouched.
 */
function mergeAwareness(frames: readonly Uint8Array[]): Uint8Array {
  if (frames.length === 1) return frames[0]!
  const newest = new Map<number, AwarenessEntry>()
  for (const frame of frames) {
    for (const entry of readAwarenessFrame(frame)) {
      const known = newest.get(entry.clientId)
      if (!known || entry.clock > known.clock || (entry.clock === known.clock && entry.state === REMOVED_STATE)) {
        newest.set(entry.clientId, entry)
      }
    }
  }
  return encodeAwarenessEntries(newest.values())
}
