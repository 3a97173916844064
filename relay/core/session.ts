/** One admitted WebSocket connection to a room, with what its token allows. */
import type { Duplex } from 'node:stream'
import { WebSocket } from 'ws'
import type { RoomScope } from '../../auth/claims.js'
import { encodePermissionDenied } from '../../protocol/messages.js'
import { CloseCode } from '../../protocol/close-codes.js'
import type { RelayCounters } from './counters.js'
import { InboundRateLimiter } from './rate-limit.js'
import type { TokenBucket } from './token-bucket.js'
import { frameBinaryMessages } from './ws-frame.js'

const OPEN = WebSocket.OPEN

/** The TCP socket under a `ws` connection; `ws` keeps it in a private field that is stable across v8. */
function socketOf(ws: WebSocket): Duplex {
  const socket = (ws as unknown as { _socket?: Duplex })._socket
  if (!socket) throw new Error('ws connection has no socket: was the upgrade completed?')
  return socket
}

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
  /** Document work budget (structs applied or encoded for this session); created on first use. */
  work: TokenBucket | null = null
  /** Awareness bytes this session may have forwarded; created on first use. */
  awarenessBudget: TokenBucket | null = null
  /** Set by every send; the keepalive sweep clears it and pings sessions that were left quiet. */
  sentSinceSweep = true
  /** Cleared before each ws ping; a pong sets it back. */
  answeredPing = true
  closed = false
  private readonly socket: Duplex

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
    this.socket = socketOf(ws)
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

  /**
   * Tells the client at once that its writes are refused from now on (a downgrade), not at its next
   * write; `first` goes out in the same socket write.
   */
  tellReadOnly(reason: string, ...first: Uint8Array[]): void {
    this.toldReadOnly = true
    this.sendAll([...first, encodePermissionDenied(reason)])
  }

  /** Sends one message to this session alone, now. */
  send(message: Uint8Array): void {
    this.sendAll([message])
  }

  /** Sends messages to this session alone, now, each its own WebSocket frame, in one socket write. */
  sendAll(messages: Uint8Array[]): void {
    if (this.writeFramed(frameBinaryMessages(messages))) this.counters.framesOut += messages.length
  }

  /**
   * Writes bytes that are already WebSocket frames straight to the socket, so a broadcast is framed
   * once for all receivers. `ws` writes synchronously to the same socket (no compression is
   * negotiated), so its own frames (pings, the close frame) never interleave with these.
   * Returns false if nothing was written.
   */
  writeFramed(frames: Buffer): boolean {
    if (this.closed || this.ws.readyState !== OPEN) return false
    if (this.socket.writableLength > this.highWaterBytes) {
      this.counters.slowReceiverCloses++
      this.close(CloseCode.slowReceiver, 'receiver too slow: reconnect to resync')
      return false
    }
    this.socket.write(frames)
    this.sentSinceSweep = true
    this.counters.bytesOut += frames.length
    return true
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.ws.close(code, reason)
  }
}
