/**
 * The awareness states of one room, and who owns which client id. A session may only set or
 * remove states for client ids it introduced itself. When a session leaves, its ids stay reserved
 * for its subject for a while: a viewer cannot grab a writer's id during the writer's reconnect
 * and show its own state under the writer's name.
 */
import {
  encodeAwarenessEntries,
  readAwarenessFrame,
  REMOVED_STATE,
  type AwarenessEntry,
} from '../../protocol/awareness.js'
import type { Session } from './session.js'

/** A session of this node, or the id of the node that holds the session (cluster mode). */
type Owner = Session | string

/** How long a departed session's client ids stay reserved for its subject. */
export const AWARENESS_ID_RESERVATION_MS = 30_000

interface Reservation {
  sub: string
  until: number
}

interface OwnedState {
  owner: Owner
  clock: number
  state: string
}

/**
 * What to do with an awareness frame:
 * - forward: relay the original bytes;
 * - forward-subset: relay `frame` (re-encoded without entries that were only echoes);
 * - ignore: nothing new (y-websocket clients re-send every awareness change they receive, so
 *   echoes of other clients' states are normal traffic, not an attack);
 * - malformed, foreign-client, too-many-clients: dropped and counted.
 */
export type AwarenessVerdict =
  | { action: 'forward' }
  | { action: 'forward-subset'; frame: Uint8Array }
  | { action: 'ignore' }
  | { action: 'malformed' | 'foreign-client' | 'too-many-clients' }

export class RoomAwareness {
  private readonly states = new Map<number, OwnedState>()
  /** Ids claimed by a session, including ones whose state it has removed (it may set them again). */
  private readonly owners = new Map<number, Owner>()
  /** Ids of departed sessions, oldest first (every reservation lasts as long). */
  private readonly reserved = new Map<number, Reservation>()

  constructor(
    private readonly maxClientsPerSession: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.states.size
  }

  /**
   * Checks an awareness frame from `session`: it may set or remove states only for client ids it
   * owns or may claim. Anything newer than what the room knows about another session's id is a
   * spoof, and the whole frame is dropped.
   */
  apply(session: Session, frame: Uint8Array): AwarenessVerdict {
    let entries: AwarenessEntry[]
    try {
      entries = readAwarenessFrame(frame)
    } catch {
      return { action: 'malformed' }
    }
    const own: AwarenessEntry[] = []
    let newIds = 0
    for (const entry of entries) {
      // Clients JSON.parse every state they receive; one bad state would break them all.
      if (!isJson(entry.state)) return { action: 'malformed' }
      const owner = this.owners.get(entry.clientId)
      if (owner === session) {
        own.push(entry)
      } else if (owner !== undefined) {
        if (!this.isEcho(entry)) return { action: 'foreign-client' }
      } else if (!this.mayClaim(session, entry.clientId)) {
        if (!this.isEcho(entry)) return { action: 'foreign-client' }
      } else if (entry.state !== REMOVED_STATE) {
        // Removing a state nobody owns changes nothing and claims nothing.
        newIds++
        own.push(entry)
      }
    }
    const owned = session.awarenessIds?.size ?? 0
    if (newIds > 0 && owned + newIds > this.maxClientsPerSession) return { action: 'too-many-clients' }
    for (const entry of own) this.record(session, entry)
    if (own.length === entries.length) return { action: 'forward' }
    if (own.length === 0) return { action: 'ignore' }
    return { action: 'forward-subset', frame: encodeAwarenessEntries(own) }
  }

  /** An id nobody owns is free, unless a departed session of another subject holds it reserved. */
  private mayClaim(session: Session, clientId: number): boolean {
    const reservation = this.reserved.get(clientId)
    if (!reservation) return true
    if (reservation.until <= this.now()) {
      this.reserved.delete(clientId)
      return true
    }
    if (reservation.sub !== session.sub) return false
    this.reserved.delete(clientId)
    return true
  }

  /** An entry about another session's id that is no newer than what the room has: a re-send. */
  private isEcho(entry: AwarenessEntry): boolean {
    const current = this.states.get(entry.clientId)
    if (current === undefined) return entry.state === REMOVED_STATE
    return entry.clock < current.clock || (entry.clock === current.clock && entry.state === current.state)
  }

  private record(session: Session, entry: AwarenessEntry): void {
    if (!this.owners.has(entry.clientId)) {
      this.owners.set(entry.clientId, session)
      ;(session.awarenessIds ??= new Set()).add(entry.clientId)
    }
    const current = this.states.get(entry.clientId)
    if (current && current.clock > entry.clock) return
    if (entry.state === REMOVED_STATE) {
      this.states.delete(entry.clientId)
    } else {
      this.states.set(entry.clientId, { owner: session, clock: entry.clock, state: entry.state })
    }
  }

  /**
   * Records states that another node's sessions set. That node enforced ownership already; here an
   * entry is only refused when its id belongs to someone else (a session here, or a third node).
   * Returns the frame to forward to this node's sessions, or null when nothing is new.
   */
  applyRemote(node: string, frame: Uint8Array): Uint8Array | null {
    let entries: AwarenessEntry[]
    try {
      entries = readAwarenessFrame(frame)
    } catch {
      return null
    }
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      const owner = this.owners.get(entry.clientId)
      if (owner !== undefined && owner !== node) continue
      const current = this.states.get(entry.clientId)
      if (current && current.clock > entry.clock) continue
      if (entry.state === REMOVED_STATE) {
        // The session left (or cleared its state): its id is free for wherever it reconnects.
        this.owners.delete(entry.clientId)
        if (!current) continue
        this.states.delete(entry.clientId)
      } else {
        this.owners.set(entry.clientId, node)
        this.states.set(entry.clientId, { owner: node, clock: entry.clock, state: entry.state })
      }
      accepted.push(entry)
    }
    return accepted.length > 0 ? encodeAwarenessEntries(accepted) : null
  }

  /** Forgets every state held by a node that died; returns the frame that removes them, or null. */
  removeNode(node: string): Uint8Array | null {
    const removals: AwarenessEntry[] = []
    for (const [clientId, owner] of this.owners) {
      if (owner !== node) continue
      this.owners.delete(clientId)
      const current = this.states.get(clientId)
      if (!current) continue
      this.states.delete(clientId)
      removals.push({ clientId, clock: current.clock + 1, state: REMOVED_STATE })
    }
    return removals.length > 0 ? encodeAwarenessEntries(removals) : null
  }

  /** All live states as one frame, for a joining session or a query; null when there are none. */
  snapshotFrame(): Uint8Array | null {
    if (this.states.size === 0) return null
    const entries: AwarenessEntry[] = []
    for (const [clientId, { clock, state }] of this.states) entries.push({ clientId, clock, state })
    return encodeAwarenessEntries(entries)
  }

  /** Forgets a leaving session's ids; returns the frame that removes its states, or null. */
  removeSession(session: Session): Uint8Array | null {
    if (!session.awarenessIds) return null
    const removals: AwarenessEntry[] = []
    const now = this.now()
    this.dropExpiredReservations(now)
    for (const clientId of session.awarenessIds) {
      this.owners.delete(clientId)
      this.reserved.delete(clientId)
      this.reserved.set(clientId, { sub: session.sub, until: now + AWARENESS_ID_RESERVATION_MS })
      const current = this.states.get(clientId)
      if (!current) continue
      this.states.delete(clientId)
      removals.push({ clientId, clock: current.clock + 1, state: REMOVED_STATE })
    }
    return removals.length > 0 ? encodeAwarenessEntries(removals) : null
  }

  private dropExpiredReservations(now: number): void {
    for (const [clientId, reservation] of this.reserved) {
      if (reservation.until > now) return
      this.reserved.delete(clientId)
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
