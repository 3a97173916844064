/** One room: its document, its sessions, and what a frame from a session does to them. */
import * as Y from 'yjs'
import {
  classifyFrame,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '../../protocol/messages.js'
import { ownedBytes } from '../../protocol/bytes.js'
import { readSyncPayload } from '../../protocol/sync.js'
import { CloseCode } from '../../protocol/close-codes.js'
import { SCOPE_MESSAGES } from '../../protocol/scope-message.js'
import type { Logger } from '../logger.js'
import { RESTORE_ORIGIN, type RemoteOrigin, type RoomHost } from '../storage/document-store.js'
import type { RelayCounters } from './counters.js'
import { RoomAwareness } from './room-awareness.js'
import { RoomOutbox } from './room-outbox.js'
import type { Session } from './session.js'

export interface RoomHooks {
  /** A session's update was applied to the document; the store records it. */
  persist(room: Room, update: Uint8Array): void
  /** A session's awareness change was accepted; the store tells the other nodes. */
  publishAwareness(room: Room, frame: Uint8Array): void
  /** The last session left. */
  emptied(room: Room): void
}

export class Room implements RoomHost {
  readonly doc = new Y.Doc({ gc: true })
  readonly sessions = new Set<Session>()
  private readonly awareness: RoomAwareness
  private readonly outbox: RoomOutbox
  /**
   * The sync step 2 for a client that has nothing yet (an empty state vector), which is what most
   * joins ask for: encoded once and kept until the document changes, so a crowd of viewers joining
   * a large document costs one encoding, not one each.
   */
  private joinStep2: Uint8Array | null = null

  constructor(
    readonly name: string,
    maxAwarenessClientsPerSession: number,
    private readonly maxAwarenessFrameBytes: number,
    private readonly counters: RelayCounters,
    private readonly hooks: RoomHooks,
    private readonly log: Logger,
  ) {
    this.awareness = new RoomAwareness(maxAwarenessClientsPerSession)
    this.outbox = new RoomOutbox(this.sessions, counters)
  }

  /** Applies stored history when the room is loaded. */
  restore(updates: Uint8Array[]): void {
    Y.transact(this.doc, () => {
      for (const update of updates) Y.applyUpdate(this.doc, update)
    }, RESTORE_ORIGIN)
  }

  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc)
  }

  applyRemoteUpdate(update: Uint8Array, origin: RemoteOrigin): void {
    try {
      this.joinStep2 = null
      Y.applyUpdate(this.doc, update, origin)
    } catch (error) {
      this.counters.failedUpdates++
      this.log.warn({ room: this.name, node: origin.node, err: (error as Error).message }, 'remote update failed to apply')
      return
    }
    this.outbox.enqueue(encodeSyncUpdate(update), null, update)
  }

  applyRemoteAwareness(frame: Uint8Array, origin: RemoteOrigin): void {
    const accepted = this.awareness.applyRemote(origin.node, frame)
    if (accepted) this.broadcast(accepted, null)
  }

  removeNodeAwareness(node: string): void {
    const removal = this.awareness.removeNode(node)
    if (removal) this.broadcast(removal, null)
  }

  storeUnavailable(reason: string): void {
    for (const session of this.sessions) session.close(CloseCode.roomUnavailable, reason)
  }

  join(session: Session): void {
    this.sessions.add(session)
    // First what the session may do, so a client knows before the first document byte.
    session.send(SCOPE_MESSAGES[session.scope])
    // A writer is asked for what it has that the room lacks; a reader's changes would be refused
    // anyway, so it is not asked. Either way the client's own step 1 gets it the whole document.
    if (session.canWrite) session.send(encodeSyncStep1(Y.encodeStateVector(this.doc)))
    const states = this.awareness.snapshotFrame()
    if (states) session.send(states)
  }

  leave(session: Session): void {
    if (!this.sessions.delete(session)) return
    const removal = this.awareness.removeSession(session)
    if (removal) this.shareAwareness(removal)
    if (this.sessions.size === 0) this.hooks.emptied(this)
  }

  /** A read-only session became a writer: ask it for what it holds so its state flows in. */
  requestState(session: Session): void {
    session.send(encodeSyncStep1(Y.encodeStateVector(this.doc)))
  }

  receive(session: Session, received: Uint8Array): void {
    const kind = classifyFrame(received)
    switch (kind) {
      case 'sync-update':
      case 'sync-step2':
        if (!session.canWrite) {
          session.refuseWrite()
          return
        }
        if (kind === 'sync-update') this.applyUpdate(session, ownedBytes(received))
        else this.applyStep2(session, ownedBytes(received))
        return
      case 'sync-step1':
        this.answerStep1(session, ownedBytes(received))
        return
      case 'awareness':
        this.receiveAwareness(session, ownedBytes(received))
        return
      case 'query-awareness': {
        const states = this.awareness.snapshotFrame()
        if (states) session.send(states)
        return
      }
      case 'auth':
        // Clients have nothing to say in the auth sub-protocol; ignore rather than punish.
        return
      case 'malformed':
      case 'unknown':
        this.counters.malformedFrames++
        return
    }
  }

  /** Sends `frame` to every session of the room but `except`, with the rest of this turn's messages. */
  broadcast(frame: Uint8Array, except: Session | null): void {
    this.outbox.enqueue(frame, except)
  }

  /** Sends a document update from `origin` to every other session, merged with the turn's others. */
  private broadcastUpdate(frame: Uint8Array, update: Uint8Array, origin: Session): void {
    this.outbox.enqueue(frame, origin, update)
  }

  /** An awareness change of this node's sessions: to every session here, and to the other nodes. */
  private shareAwareness(frame: Uint8Array): void {
    this.broadcast(frame, null)
    this.hooks.publishAwareness(this, frame)
  }

  private applyUpdate(session: Session, frame: Uint8Array): void {
    const update = this.applyFrame(session, frame)
    if (update === null) return
    this.hooks.persist(this, update)
    this.broadcastUpdate(frame, update, session)
  }

  /**
   * A sync step 2 usually repeats much of what the room has (a reconnecting client sends its
   * whole document), so only what it actually changed is forwarded, as an ordinary update.
   */
  private applyStep2(session: Session, frame: Uint8Array): void {
    let effective: Uint8Array | null = null
    const capture = (changes: Uint8Array) => {
      effective = changes
    }
    this.doc.on('update', capture)
    try {
      if (this.applyFrame(session, frame) === null) return
    } finally {
      this.doc.off('update', capture)
    }
    if (effective === null) return
    this.hooks.persist(this, effective)
    this.broadcastUpdate(encodeSyncUpdate(effective), effective, session)
  }

  /** Applies the update in a sync frame to the document; null, counted and logged, if it fails. */
  private applyFrame(session: Session, frame: Uint8Array): Uint8Array | null {
    try {
      const update = readCheckedUpdate(frame)
      this.joinStep2 = null
      Y.applyUpdate(this.doc, update, session)
      return update
    } catch (error) {
      this.rejectUpdate(session, error)
      return null
    }
  }

  private rejectUpdate(session: Session, error: unknown): void {
    this.counters.failedUpdates++
    this.log.warn({ room: this.name, sub: session.sub, err: (error as Error).message }, 'update failed to apply; not forwarded')
  }

  private answerStep1(session: Session, frame: Uint8Array): void {
    let answer: Uint8Array
    try {
      const stateVector = readSyncPayload(frame)
      if (isEmptyStateVector(stateVector)) {
        answer = this.joinStep2 ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc))
      } else {
        answer = encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector))
      }
    } catch {
      this.counters.malformedFrames++
      return
    }
    session.send(answer)
  }

  private receiveAwareness(session: Session, frame: Uint8Array): void {
    if (frame.length > this.maxAwarenessFrameBytes) {
      this.counters.awarenessDropped++
      return
    }
    const verdict = this.awareness.apply(session, frame)
    switch (verdict.action) {
      case 'forward':
        // Echoed to the sender too, as the reference server does: it doubles as a keepalive.
        this.shareAwareness(frame)
        return
      case 'forward-subset':
        this.shareAwareness(verdict.frame)
        return
      case 'ignore':
        return
      case 'malformed':
        this.counters.malformedFrames++
        return
      case 'foreign-client':
      case 'too-many-clients':
        this.counters.awarenessDropped++
        return
    }
  }
}

/**
 * The update inside a sync frame, checked before it reaches the document. Yjs preallocates an
 * array as long as the struct count an update declares, so ten bytes of garbage can make it
 * allocate hundreds of MB; the lazy reader behind parseUpdateMeta walks the structs one by one and
 * fails as soon as the bytes run out.
 */
function readCheckedUpdate(frame: Uint8Array): Uint8Array {
  const update = readSyncPayload(frame)
  Y.parseUpdateMeta(update)
  return update
}

/** A state vector with no clients: one varuint 0. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.length === 1 && stateVector[0] === 0
}
