/** One room: its document, its sessions, and what a frame from a session does to them. */
import * as Y from 'yjs'
import { classifyFrame, encodeSyncStep1, encodeSyncUpdate } from '../../protocol/messages.js'
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
import { Step1Answers } from './step1-answers.js'
import { TokenBucket, type BucketLimits } from './token-bucket.js'
import { IntegrationError, integrateUpdate } from './integrate-update.js'
import { checkUpdate, RefusedUpdateError, type CheckedUpdate } from './update-check.js'
import type { DecodedStructs } from './struct-merge.js'

/** What an accepted update changed in the room, and its decoded structs when that is the update as sent. */
interface AppliedUpdate {
  update: Uint8Array
  structs: DecodedStructs | undefined
}

export interface RoomHooks {
  /** A session's update was applied to the document; the store records it. */
  persist(room: Room, update: Uint8Array): void
  /** A session's awareness change was accepted; the store tells the other nodes. */
  publishAwareness(room: Room, frame: Uint8Array): void
  /** The last session left. */
  emptied(room: Room): void
  /** A refused update changed the document half-way: reload the room from what was stored. */
  corrupted(room: Room): void
}

/** What one session may make a room do. */
export interface RoomLimits {
  maxAwarenessClientsPerSession: number
  maxAwarenessFrameBytes: number
  /** Structs plus delete ranges in one update; larger updates are refused before they are applied. */
  maxUpdateStructs: number
  /** Document work (structs applied or encoded) per session; a session in debt is not read. */
  work: BucketLimits
  /** Awareness bytes per session that the room forwards; beyond it awareness frames are dropped. */
  awareness: BucketLimits
}

export class Room implements RoomHost {
  readonly doc = new Y.Doc({ gc: true })
  readonly sessions = new Set<Session>()
  private readonly awareness: RoomAwareness
  private readonly outbox: RoomOutbox
  private readonly step1Answers = new Step1Answers(this.doc)
  /**
   * Who writes each Yjs client id: the subject whose live update first brought that client's
   * structs. Another subject's update that brings new structs for it is a forgery: accepted, it
   * would take the real writer's next clocks, and the room would drop that writer's own changes.
   */
  private readonly clientWriters = new Map<number, string>()
  /** Set when a refused update changed the document half-way: it must not be stored or served. */
  corrupted = false

  constructor(
    readonly name: string,
    private readonly limits: RoomLimits,
    private readonly counters: RelayCounters,
    private readonly hooks: RoomHooks,
    private readonly log: Logger,
  ) {
    this.awareness = new RoomAwareness(limits.maxAwarenessClientsPerSession)
    this.outbox = new RoomOutbox(this.sessions, counters)
  }

  /** Applies stored history when the room is loaded. */
  restore(updates: Uint8Array[]): void {
    Y.transact(this.doc, () => {
      for (const update of updates) Y.applyUpdate(this.doc, update)
    }, RESTORE_ORIGIN)
  }

  encodeState(): Uint8Array {
    if (this.corrupted) throw new Error(`room "${this.name}" holds a half-applied update: not saved`)
    return Y.encodeStateAsUpdate(this.doc)
  }

  /** A resync repeats most of the document: only what it changed here is forwarded. */
  applyRemoteUpdate(update: Uint8Array, origin: RemoteOrigin): void {
    let changed: Uint8Array | null
    try {
      this.step1Answers.invalidate()
      changed = integrateUpdate(this.doc, update, origin.resync !== true, origin)
    } catch (error) {
      this.counters.failedUpdates++
      this.log.warn({ room: this.name, node: origin.node, err: error }, 'remote update failed to apply')
      return
    }
    if (changed !== null) this.outbox.enqueueUpdate(encodeSyncUpdate(changed), changed, null)
  }

  applyRemoteAwareness(frame: Uint8Array, origin: RemoteOrigin): void {
    const accepted = this.awareness.applyRemote(origin.node, frame)
    if (accepted) this.broadcast(accepted)
  }

  removeNodeAwareness(node: string): void {
    const removal = this.awareness.removeNode(node)
    if (removal) this.broadcast(removal)
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

  /** A read-only session became a writer: ask it for what it holds so its state flows in (after `first`, in one write). */
  requestState(session: Session, ...first: Uint8Array[]): void {
    session.sendAll([...first, encodeSyncStep1(Y.encodeStateVector(this.doc))])
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
        this.applyUpdate(session, ownedBytes(received), kind === 'sync-update')
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

  /** Sends `frame` to every session of the room, with the rest of this turn's messages. */
  broadcast(frame: Uint8Array): void {
    this.outbox.enqueue(frame)
  }

  /** An awareness change of this node's sessions: to every session here, and to the other nodes. */
  private shareAwareness(frame: Uint8Array): void {
    this.broadcast(frame)
    this.hooks.publishAwareness(this, frame)
  }

  /**
   * Applies an update or sync step 2 and forwards, as an ordinary update, only what it changed in
   * the room's document, as Yjs encodes it: not the sender's bytes. A reconnecting client's step 2
   * mostly repeats what the room has; and a hostile update may reuse another client's ids with
   * other content, which the room ignores but receivers that lack those ids would take: what
   * receivers and the store get is exactly what the room holds. It goes to the other sessions
   * merged with the turn's other updates.
   */
  private applyUpdate(session: Session, frame: Uint8Array, live: boolean): void {
    const applied = this.applyFrame(session, frame, live)
    if (applied === null) return
    this.hooks.persist(this, applied.update)
    this.outbox.enqueueUpdate(encodeSyncUpdate(applied.update), applied.update, session, applied.structs)
  }

  /**
   * Applies the update in a sync frame to the document, after reading it whole (see
   * update-check.ts), and charges its work to the sender. Returns what it changed (with its decoded
   * structs when that is the update as sent), or null if it changed nothing or was refused.
   */
  private applyFrame(session: Session, frame: Uint8Array, live: boolean): AppliedUpdate | null {
    let update: Uint8Array
    let checked: CheckedUpdate
    try {
      update = readSyncPayload(frame)
      checked = checkUpdate(this.doc, update, this.limits.maxUpdateStructs)
      this.chargeWork(session, checked.work)
      for (const client of checked.writtenClients) {
        const writer = this.clientWriters.get(client)
        if (writer !== undefined && writer !== session.sub) throw new Error(`client id ${client} is written by another subject`)
      }
    } catch (error) {
      if (error instanceof RefusedUpdateError) this.chargeWork(session, error.work)
      this.rejectUpdate(session, error)
      // Its sender has what it builds on: a step 1 gets both (never for a step 2, so nothing loops).
      if (live && error instanceof RefusedUpdateError && error.refusal === 'missing-dependencies') this.requestState(session)
      return null
    }
    let effective: Uint8Array | null
    try {
      effective = integrateUpdate(this.doc, update, checked.fresh, session)
    } catch (error) {
      // An update that decodes whole can still refer to items in ways Yjs only trips over while
      // integrating. Yjs cannot undo what it integrated, so the room is rolled back by reloading
      // it from storage, which only ever received accepted updates: its sessions are closed with
      // 4500 and resync. Nothing of the refused update is forwarded or stored.
      this.rejectUpdate(session, error)
      if (!(error instanceof IntegrationError) || !error.changedRoom) return null
      this.corrupted = true
      this.counters.roomResets++
      this.log.error({ room: this.name, sub: session.sub, err: error }, 'a refused update changed the room half-way: reloading it')
      this.hooks.corrupted(this)
      return null
    }
    // A live update carries the sender's own changes (a step 2 may carry anyone's it has seen).
    if (live) for (const client of checked.writtenClients) if (!this.clientWriters.has(client)) this.clientWriters.set(client, session.sub)
    if (effective === null) return null
    this.step1Answers.invalidate()
    return { update: effective, structs: effective === update ? checked.structs : undefined }
  }

  private chargeWork(session: Session, work: number): void {
    if (work > 0) (session.work ??= new TokenBucket(this.limits.work)).take(work)
  }

  private rejectUpdate(session: Session, error: unknown): void {
    this.counters.failedUpdates++
    if (error instanceof RefusedUpdateError && error.refusal === 'too-many-structs') this.counters.oversizedUpdates++
    this.log.warn({ room: this.name, sub: session.sub, err: error }, 'update failed to apply; not forwarded')
  }

  private answerStep1(session: Session, frame: Uint8Array): void {
    let answer
    try {
      answer = this.step1Answers.answer(readSyncPayload(frame))
    } catch {
      this.counters.malformedFrames++
      return
    }
    if (answer.work > 0) this.counters.syncAnswersEncoded++
    else this.counters.syncAnswersCached++
    this.chargeWork(session, answer.work)
    session.send(answer.frame)
  }

  private receiveAwareness(session: Session, frame: Uint8Array): void {
    if (frame.length > this.limits.maxAwarenessFrameBytes) {
      this.counters.awarenessDropped++
      return
    }
    // Every byte forwarded is sent to each session of the room, so what a session may make the room
    // forward has its own small budget; echoes (forwarding nothing) cost nothing from it.
    const budget = (session.awarenessBudget ??= new TokenBucket(this.limits.awareness))
    if (budget.debtMs() > 0) {
      this.counters.awarenessOverBudget++
      return
    }
    const verdict = this.awareness.apply(session, frame)
    switch (verdict.action) {
      case 'forward':
        // Echoed to the sender too, as the reference server does: it doubles as a keepalive.
        budget.take(frame.length)
        this.shareAwareness(frame)
        return
      case 'forward-subset':
        budget.take(verdict.frame.length)
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
