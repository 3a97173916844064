/** One admitted WebSocket connection to a room, with what its token allows. */
import type { WebSocket } from 'ws'
import type { RoomScope } from '../auth/claims.js'
import { encodePermissionDenied } from '../protocol/messages.js'
import { CloseCode } from './close-codes.js'
import type { RelayCounters } from './metrics.js'
import { InboundRateLimiter } from './rate-limit.js'

export interface SessionIdentity {
  sub: string
  scope: RoomScope
  /** Grant behind the session: while it stands, the session outlives its token's `exp`. */
  gid?: string
  /** Share link the grant came through. */
  lid?: string
  /** When a grant-less session ends (ms since the epoch). */
  expiresAtMs?: number
}

export class Session {
  readonly sub: string
  readonly gid: string | undefined
  readonly lid: string | undefined
  readonly expiresAtMs: number | undefined
  private writable: boolean
  private toldReadOnly = false
  /** Awareness client ids this session introduced; created on its first awareness update. */
  awarenessIds: Set<number> | null = null
  /** Set by every send; the keepalive sweep clears it and pings sessions that were left quiet. */
  sentSinceSweep = true
  /** Cleared before each ws ping; a pong sets it back. */
  answeredPing = true
  closed = false

  constructor(
    readonly ws: WebSocket,
    readonly room: string,
    identity: SessionIdentity,
    readonly limiter: InboundRateLimiter,
    private readonly counters: RelayCounters,
    private readonly highWaterBytes: number,
  ) {
    this.sub = identity.sub
    this.gid = identity.gid
    this.lid = identity.lid
    this.expiresAtMs = identity.expiresAtMs
    this.writable = identity.scope === 'write'
  }

  get canWrite(): boolean {
    return this.writable
  }

  get scope(): RoomScope {
    return this.writable ? 'write' : 'read'
  }

  /** Changes what the session may do, in place. Returns true if it changed. */
  setScope(scope: RoomScope): boolean {
    const writable = scope === 'write'
    if (writable === this.writable) return false
    this.writable = writable
    // A downgraded session is told again at its next refused write.
    this.toldReadOnly = false
    return true
  }

  /** Tells a read-only session once that its writes are refused; the connection stays open. */
  refuseWrite(): void {
    this.counters.readOnlyWritesDropped++
    if (this.toldReadOnly) return
    this.tellReadOnly('read-only session: document changes are not accepted')
  }

  /** Tells the client at once that its writes are refused from now on (a downgrade), not at its next write. */
  tellReadOnly(reason: string): void {
    this.toldReadOnly = true
    this.send(encodePermissionDenied(reason))
  }

  send(frame: Uint8Array): void {
    if (this.closed) return
    if (this.ws.bufferedAmount > this.highWaterBytes) {
      this.counters.slowReceiverCloses++
      this.close(CloseCode.slowReceiver, 'receiver too slow: reconnect to resync')
      return
    }
    this.ws.send(frame)
    this.sentSinceSweep = true
    this.counters.framesOut++
    this.counters.bytesOut += frame.length
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.ws.close(code, reason)
  }
}
