/**
 * Answers to sync step 1 (a state vector: "send me what I lack"), and what each costs.
 *
 * Encoding an answer walks the whole document (the delete set is rebuilt from every struct), so on a
 * large document it is the most expensive thing a read-only session can ask for. Answers are kept
 * until the document changes, keyed by the state vector's bytes: a crowd of viewers joining with
 * an empty state vector, or one viewer repeating the same request, costs one encoding. A fresh
 * encoding reports its work (the document's struct count), which the asking session pays from its
 * own work budget.
 */
import * as Y from 'yjs'
import { encodeSyncStep2 } from '../../protocol/messages.js'

/** State vectors longer than this are answered but not kept: a key should stay small. */
const MAX_CACHED_STATE_VECTOR_BYTES = 1024
/** Distinct answers kept per document version; honest traffic needs one or two. */
const MAX_CACHED_ANSWERS = 8

export interface Step1Answer {
  frame: Uint8Array
  /** Structs walked to encode it; 0 when it came from the cache. */
  work: number
}

export class Step1Answers {
  private readonly cache = new Map<string, Uint8Array>()

  constructor(private readonly doc: Y.Doc) {}

  /** Forgets every answer: the document changed. */
  invalidate(): void {
    if (this.cache.size > 0) this.cache.clear()
  }

  /** The step 2 that answers `stateVector`; throws if the state vector does not decode. */
  answer(stateVector: Uint8Array): Step1Answer {
    const cacheable = stateVector.length <= MAX_CACHED_STATE_VECTOR_BYTES
    const key = cacheable ? Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.length).toString('latin1') : ''
    const cached = cacheable ? this.cache.get(key) : undefined
    if (cached) return { frame: cached, work: 0 }
    const frame = encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector))
    if (cacheable) {
      if (this.cache.size >= MAX_CACHED_ANSWERS) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(key, frame)
    }
    return { frame, work: documentStructs(this.doc) + stateVector.length }
  }
}

/** How many structs the document holds: what encoding it walks. O(clients), not O(structs). */
export function documentStructs(doc: Y.Doc): number {
  let structs = 0
  for (const clientStructs of doc.store.clients.values()) structs += clientStructs.length
  return structs
}
