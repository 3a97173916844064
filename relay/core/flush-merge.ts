/**
 * Merges the messages of one flush, so a receiver parses one document update and one awareness
 * update per flush instead of one message per edit. Work is proportional to the batch (and to the
 * writers in it), never to the receivers: every receiver that sent nothing gets the same bytes.
 */
import * as Y from 'yjs'
import { encodeAwarenessEntries, readAwarenessFrame, REMOVED_STATE, type AwarenessEntry } from '../../protocol/awareness.js'
import { encodeSyncUpdate, MessageType } from '../../protocol/messages.js'
import type { Session } from './session.js'

export interface OutboxEntry {
  /** The message as it arrived or was built: a complete y-websocket frame payload. */
  message: Uint8Array
  /** The session the message came from: it is not sent back to it. Null: everyone gets it. */
  origin: Session | null
  /** For document updates: the Yjs update inside `message`, so it can be merged without decoding. */
  update?: Uint8Array
}

export class MergedFlush {
  /** What a receiver that sent none of the batch's messages gets. */
  readonly forEveryone: Uint8Array[]
  private readonly updates: OutboxEntry[] = []
  private readonly rest: OutboxEntry[] = []
  private readonly awareness: Uint8Array | null
  /** The sessions that sent something in this batch: each needs its own selection. */
  private readonly origins = new Set<Session>()

  constructor(batch: readonly OutboxEntry[]) {
    const awareness: OutboxEntry[] = []
    for (const entry of batch) {
      if (entry.origin) this.origins.add(entry.origin)
      if (entry.update) this.updates.push(entry)
      else if (entry.origin === null && entry.message[0] === MessageType.awareness) awareness.push(entry)
      else this.rest.push(entry)
    }
    this.awareness = awareness.length === 0 ? null : mergeAwareness(awareness.map((entry) => entry.message))
    const document = mergeDocumentUpdates(this.updates)
    this.forEveryone = this.assemble(document ? [document] : [], null)
  }

  /** True when `session` sent one of the batch's messages, and so needs its own selection. */
  isOrigin(session: Session): boolean {
    return this.origins.has(session)
  }

  /**
   * What a writer gets: everything but its own messages, the others' updates as they came (in
   * order). Merging them again for each writer cost more than the merge for everyone (a flush of
   * four typists made four merges more; the profile of scenario B showed it as the largest single
   * cost of a flush), while a writer parses only the few updates of the others in one socket read.
   */
  forOrigin(session: Session): Uint8Array[] {
    const messages: Uint8Array[] = []
    for (const entry of this.updates) if (entry.origin !== session) messages.push(entry.message)
    return this.assemble(messages, session)
  }

  /** Appends the batch's awareness and other messages (but `except`'s) to the document messages. */
  private assemble(messages: Uint8Array[], except: Session | null): Uint8Array[] {
    if (this.awareness) messages.push(this.awareness)
    for (const entry of this.rest) if (entry.origin === null || entry.origin !== except) messages.push(entry.message)
    return messages
  }
}

/** One sync-update message for all of `entries`; a single update keeps its original bytes. */
function mergeDocumentUpdates(entries: readonly OutboxEntry[]): Uint8Array | null {
  if (entries.length === 0) return null
  if (entries.length === 1) return entries[0]!.message
  return encodeSyncUpdate(Y.mergeUpdates(entries.map((entry) => entry.update!)))
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
