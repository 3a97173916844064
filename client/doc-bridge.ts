/**
 * The read-only guard. The provider syncs a document of the library's own (the relay copy), which
 * only ever holds what the relay accepted; the caller's document is bridged to it. Remote changes
 * flow into the caller's document at once. The caller's own changes flow into the relay copy (and
 * from there to the relay) only while the relay says the session may write. Changes made while it
 * may not stay in the caller's document: reported, then either discarded (the caller's document is
 * replaced by a fresh one rebuilt from the relay copy) or kept and sent once the session may write.
 * So a viewer's stray edits never reach the room later unless the caller asked to keep them.
 */
import * as Y from 'yjs'
import type { RoomScope } from '../protocol/api-types.js'

export type ReadOnlyEdits = 'discard' | 'keep'

/** What the relay currently allows; `unknown` between a connection and the relay's scope message. */
type Allowed = RoomScope | 'unknown'

/** Local changes not in the relay copy: made while the scope was unknown, or made while read. */
type Pending = 'none' | 'tentative' | 'stray'

export interface BridgeEvents {
  /** A local change was made while the session may only read. */
  readOnlyEdit(): void
  /** The caller's document was replaced by one rebuilt from the relay (discard). */
  replaced(doc: Y.Doc, previous: Y.Doc): void
}

/** The origin of every change the bridge makes, so it never carries a change back where it came from. */
const BRIDGE_ORIGIN = Object.freeze({ lectern: 'bridge' })

export class DocBridge {
  /** The provider's document: what the relay has, plus what this session sent it. */
  readonly relayDoc: Y.Doc
  private current: Y.Doc
  private allowed: Allowed = 'unknown'
  private pending: Pending = 'none'
  private rebuildScheduled = false
  private destroyed = false

  constructor(
    doc: Y.Doc,
    private readonly mode: ReadOnlyEdits,
    private readonly events: BridgeEvents,
  ) {
    this.current = doc
    this.relayDoc = new Y.Doc({ guid: doc.guid, gc: doc.gc })
    // One client id for both, so an awareness made for the caller's document describes the
    // provider's client (see applyOwnChanges).
    this.relayDoc.clientID = doc.clientID
    this.relayDoc.on('update', this.fromRelay)
    this.attach(doc)
    // Content the document had before joining goes in like any other local change.
    if (Y.encodeStateVector(doc).length > 1) this.pending = 'tentative'
  }

  get doc(): Y.Doc {
    return this.current
  }

  /** The relay announced what the session may do. */
  setScope(scope: RoomScope): void {
    this.allowed = scope
    if (scope === 'read' && this.pending === 'tentative') this.strayEdit()
    if (scope === 'write' && this.pending !== 'none') {
      if (this.pending === 'stray' && this.mode === 'discard') this.rebuild()
      else this.flush()
    }
  }

  /** The connection dropped: hold local changes until the relay says again what is allowed. */
  disconnected(): void {
    this.allowed = 'unknown'
  }

  destroy(): void {
    this.destroyed = true
    this.detach(this.current)
    this.relayDoc.off('update', this.fromRelay)
    this.relayDoc.destroy()
  }

  private readonly fromRelay = (update: Uint8Array, origin: unknown): void => {
    if (origin !== BRIDGE_ORIGIN) Y.applyUpdate(this.current, update, BRIDGE_ORIGIN)
  }

  private readonly fromCaller = (update: Uint8Array, origin: unknown): void => {
    if (origin === BRIDGE_ORIGIN) return
    // While write nothing is pending: setScope('write') sends or discards what was held.
    if (this.allowed === 'write') applyOwnChanges(this.relayDoc, update)
    else if (this.allowed === 'read') this.strayEdit()
    else if (this.pending === 'none') this.pending = 'tentative'
  }

  private strayEdit(): void {
    this.pending = 'stray'
    this.events.readOnlyEdit()
    if (this.mode === 'discard' && !this.rebuildScheduled) {
      this.rebuildScheduled = true
      // After the caller's transaction and its observers have finished.
      queueMicrotask(() => this.rebuild())
    }
  }

  /** Sends every local change the relay copy lacks. */
  private flush(): void {
    const missing = Y.encodeStateAsUpdate(this.current, Y.encodeStateVector(this.relayDoc))
    this.pending = 'none'
    applyOwnChanges(this.relayDoc, missing)
  }

  /** Replaces the caller's document with a copy of the relay's, leaving the stray changes behind. */
  private rebuild(): void {
    this.rebuildScheduled = false
    if (this.destroyed || this.pending !== 'stray') return
    const previous = this.current
    const fresh = new Y.Doc({ guid: previous.guid, gc: previous.gc })
    // Safe to reuse: the stray changes under this id exist only in the abandoned document.
    fresh.clientID = previous.clientID
    applyOwnChanges(fresh, Y.encodeStateAsUpdate(this.relayDoc))
    this.detach(previous)
    this.attach(fresh)
    this.current = fresh
    this.pending = 'none'
    this.events.replaced(fresh, previous)
  }

  private attach(doc: Y.Doc): void {
    doc.on('update', this.fromCaller)
  }

  private detach(doc: Y.Doc): void {
    doc.off('update', this.fromCaller)
  }
}

/**
 * Applies changes that carry the document's own client id. applyUpdate marks its transaction
 * remote, and Yjs gives a document a new client id when a remote transaction brings changes under
 * its own (it takes them for another client's); these are ours, so the transaction is marked local
 * again before it ends.
 */
function applyOwnChanges(doc: Y.Doc, update: Uint8Array): void {
  Y.transact(
    doc,
    (transaction) => {
      Y.applyUpdate(doc, update, BRIDGE_ORIGIN)
      transaction.local = true
    },
    BRIDGE_ORIGIN,
  )
}
