/**
 * The relay's rooms and sessions: loading rooms from the store, admitting sessions into them,
 * unloading idle rooms, and the periodic sweep (token expiry, keepalives, dead peers).
 */
import type { WebSocket } from 'ws'
import type { RoomScope } from '../../auth/claims.js'
import { SYSTEM_CLOCK, type Clock } from '../../auth/clock.js'
import { KEEPALIVE_FRAME } from '../../protocol/messages.js'
import { SCOPE_MESSAGES } from '../../protocol/scope-message.js'
import { CloseCode } from '../../protocol/close-codes.js'
import type { RelayConfig } from '../config.js'
import type { Logger } from '../logger.js'
import type { RelayCounters } from './counters.js'
import { InboundRateLimiter, type RateLimits } from './rate-limit.js'
import { Room, type RoomHooks, type RoomLimits } from './room.js'
import { Session, type SessionIdentity } from './session.js'
import { SESSION_ORIGIN, type DocumentStore, type StoreHealth } from '../storage/document-store.js'

const SWEEP_INTERVAL_MS = 1000

/**
 * Each socket carries its session under this key, so one set of listeners serves every
 * connection: per-session closures would cost a few hundred bytes each, times every idle viewer.
 */
const SESSION = Symbol('lectern.session')
type SessionSocket = WebSocket & { [SESSION]?: Session }

interface SocketListeners {
  message(this: WebSocket, data: Buffer, isBinary: boolean): void
  pong(this: WebSocket): void
  error(this: WebSocket, error: Error): void
  close(this: WebSocket): void
}

export class Relay {
  readonly rooms = new Map<string, Room>()
  readonly sessions = new Set<Session>()
  private readonly loading = new Map<string, Promise<Room>>()
  private readonly unloading = new Map<string, Promise<void>>()
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>()
  private readonly rateLimits: RateLimits
  private readonly roomLimits: RoomLimits
  private readonly sweepTimer: NodeJS.Timeout
  private lastPingAt = Date.now()
  private lastKeepaliveAt = Date.now()
  private stopping = false
  private readonly listeners: SocketListeners

  constructor(
    private readonly config: RelayConfig,
    private readonly store: DocumentStore,
    readonly counters: RelayCounters,
    private readonly log: Logger,
    /** The time tokens expire by (keepalives and pings go by the real clock: they are about sockets). */
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.rateLimits = {
      framesPerSecond: config.rateFramesPerSecond,
      framesBurst: config.rateFramesBurst,
      bytesPerSecond: config.rateBytesPerSecond,
      bytesBurst: config.rateBytesBurst,
    }
    this.roomLimits = {
      maxAwarenessClientsPerSession: config.maxAwarenessClientsPerSession,
      maxAwarenessFrameBytes: config.maxAwarenessFrameBytes,
      maxUpdateStructs: config.maxUpdateStructs,
      work: { perSecond: config.workPerSecond, burst: config.workBurst },
      awareness: { perSecond: config.awarenessBytesPerSecond, burst: config.awarenessBytesBurst },
    }
    this.listeners = this.socketListeners()
    // Fast enough for the keepalive: a session is never quiet for more than two keepalive intervals.
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(SWEEP_INTERVAL_MS, config.keepaliveIntervalMs))
    this.sweepTimer.unref()
  }

  /** Returns the loaded room, loading it from the store first if needed. */
  async openRoom(name: string): Promise<Room> {
    const timer = this.unloadTimers.get(name)
    if (timer) {
      clearTimeout(timer)
      this.unloadTimers.delete(name)
    }
    const unloading = this.unloading.get(name)
    if (unloading) await unloading
    // A room that cannot be kept in step with the other nodes must not take new sessions.
    const health = this.store.health()
    if (!health.ok) throw new Error(health.reason)
    const loaded = this.rooms.get(name)
    if (loaded) return loaded
    let pending = this.loading.get(name)
    if (!pending) {
      pending = this.loadRoom(name).finally(() => this.loading.delete(name))
      this.loading.set(name, pending)
    }
    return pending
  }

  private async loadRoom(name: string): Promise<Room> {
    const hooks: RoomHooks = {
      persist: (room, update) => this.store.append(room.name, update, SESSION_ORIGIN),
      publishAwareness: (room, frame) => this.store.publishAwareness(room.name, frame),
      emptied: (room) => this.scheduleUnload(room),
      corrupted: (room) => this.resetRoom(room),
    }
    const room = new Room(name, this.roomLimits, this.counters, hooks, this.log)
    let updates: Uint8Array[]
    try {
      updates = await this.store.load(name, room)
    } catch (error) {
      room.doc.destroy()
      throw error
    }
    room.restore(updates)
    this.rooms.set(name, room)
    this.log.debug({ room: name, storedUpdates: updates.length }, 'room loaded')
    return room
  }

  /** Admits an upgraded socket into a room it was verified for. */
  attach(ws: WebSocket, room: Room, identity: SessionIdentity): Session | null {
    if (this.rooms.get(room.name) !== room || this.stopping) {
      ws.close(CloseCode.goingAway, 'room is reloading: reconnect')
      return null
    }
    const session = new Session(
      ws,
      room.name,
      identity,
      new InboundRateLimiter(this.rateLimits),
      this.counters,
      this.config.sendHighWaterBytes,
    )
    this.sessions.add(session)
    this.counters.sessionsOpened++
    ;(ws as SessionSocket)[SESSION] = session
    ws.on('message', this.listeners.message)
    ws.on('pong', this.listeners.pong)
    ws.on('error', this.listeners.error)
    ws.on('close', this.listeners.close)
    room.join(session)
    return session
  }

  private socketListeners(): SocketListeners {
    // Inside the listeners `this` is the socket; the relay is reached through this alias.
    const relay = this
    return {
      message(data, isBinary) {
        const session = (this as SessionSocket)[SESSION]
        if (session) relay.receive(session, data, isBinary)
      },
      pong() {
        const session = (this as SessionSocket)[SESSION]
        if (session) session.answeredPing = true
      },
      error(error) {
        const session = (this as SessionSocket)[SESSION]
        relay.log.debug({ room: session?.room, sub: session?.sub, err: error }, 'socket error')
      },
      close() {
        const session = (this as SessionSocket)[SESSION]
        if (!session) return
        session.closed = true
        relay.sessions.delete(session)
        relay.rooms.get(session.room)?.leave(session)
      },
    }
  }

  private receive(session: Session, data: Buffer, isBinary: boolean): void {
    const room = this.rooms.get(session.room)
    if (session.closed || !room) return
    this.counters.framesIn++
    this.counters.bytesIn += data.length
    if (!isBinary) {
      session.close(CloseCode.unsupportedData, 'the protocol is binary: text frames are not accepted')
      return
    }
    const ratePauseMs = session.limiter.take(data.length)
    room.receive(session, data)
    // What the frame made the room do (apply structs, encode an answer) is paid from the session's
    // own work budget: in debt, it is not read until the debt is paid.
    const workPauseMs = session.work?.debtMs() ?? 0
    const pauseMs = Math.max(ratePauseMs, workPauseMs)
    if (pauseMs > 0) {
      // Slow the sender down instead of dropping its writes: stop reading its socket for a while.
      if (workPauseMs > ratePauseMs) this.counters.workPauses++
      else this.counters.rateLimitPauses++
      session.ws.pause()
      setTimeout(() => {
        if (!session.closed) session.ws.resume()
      }, pauseMs)
    }
  }

  /**
   * Changes a live session's scope in place: the client is sent the scope message at once; a new
   * writer is then asked for its state, a new reader is told that its writes are refused.
   */
  setSessionScope(session: Session, scope: RoomScope): void {
    if (!session.setScope(scope)) return
    // The new scope and what follows from it in one socket write: a grant change moves every
    // session admitted through the grant at once, hundreds for a group.
    const told = SCOPE_MESSAGES[scope]
    const room = this.rooms.get(session.room)
    if (scope === 'read') session.tellReadOnly('scope changed to read: document changes are no longer accepted', told)
    else if (room) room.requestState(session, told)
    else session.send(told)
  }

  /** Whether the document store can serve rooms (for /healthz). */
  storeHealth(): StoreHealth {
    return this.store.health()
  }

  private scheduleUnload(room: Room): void {
    if (this.stopping) return
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.name)
      if (room.sessions.size > 0 || this.rooms.get(room.name) !== room) return
      const unloading = this.unloadRoom(room).finally(() => this.unloading.delete(room.name))
      this.unloading.set(room.name, unloading)
    }, this.config.roomIdleUnloadMs)
    timer.unref()
    this.unloadTimers.set(room.name, timer)
  }

  /** Closes a room whose document a refused update damaged; the next session reloads it from storage. */
  private resetRoom(room: Room): void {
    if (this.rooms.get(room.name) !== room) return
    for (const session of room.sessions) session.close(CloseCode.roomUnavailable, 'room reset after a refused update: reconnect')
    const timer = this.unloadTimers.get(room.name)
    if (timer) clearTimeout(timer)
    this.unloadTimers.delete(room.name)
    const unloading = this.unloadRoom(room).finally(() => this.unloading.delete(room.name))
    this.unloading.set(room.name, unloading)
  }

  private async unloadRoom(room: Room): Promise<void> {
    this.rooms.delete(room.name)
    try {
      await this.store.release(room.name)
    } catch (error) {
      if (!this.stopping && !room.corrupted && !this.rooms.has(room.name)) {
        // Its changes are not saved (a full disk): keep the room in memory and try again later.
        this.log.error({ room: room.name, err: error }, 'saving an idle room failed; kept in memory')
        this.rooms.set(room.name, room)
        if (room.sessions.size === 0) this.scheduleUnload(room)
        return
      }
      this.log.error({ room: room.name, err: error }, 'saving a room failed: its unsaved changes are lost')
    }
    room.doc.destroy()
    this.log.debug({ room: room.name }, 'room unloaded')
  }

  private sweep(): void {
    const now = Date.now()
    const keepalive = now - this.lastKeepaliveAt >= this.config.keepaliveIntervalMs
    if (keepalive) this.lastKeepaliveAt = now
    const ping = now - this.lastPingAt >= this.config.pingIntervalMs
    if (ping) this.lastPingAt = now
    const tokenNow = this.clock.now().getTime()
    for (const session of this.sessions) {
      if (session.closed) continue
      if (session.expiresAtMs !== undefined && tokenNow >= session.expiresAtMs) {
        session.close(CloseCode.unauthorized, 'token expired')
        continue
      }
      if (keepalive) {
        if (!session.sentSinceSweep) session.send(KEEPALIVE_FRAME)
        session.sentSinceSweep = false
      }
      if (ping) {
        if (!session.answeredPing) {
          session.closed = true
          session.ws.terminate()
          continue
        }
        session.answeredPing = false
        session.ws.ping()
      }
    }
  }

  /** Closes every session, saves every room, closes the store. */
  async stop(): Promise<void> {
    this.stopping = true
    clearInterval(this.sweepTimer)
    for (const timer of this.unloadTimers.values()) clearTimeout(timer)
    this.unloadTimers.clear()
    for (const session of this.sessions) session.close(CloseCode.goingAway, 'server shutting down')
    await Promise.all(this.unloading.values())
    await Promise.all([...this.loading.values()].map((pending) => pending.catch(() => undefined)))
    for (const room of [...this.rooms.values()]) await this.unloadRoom(room)
    await this.store.close()
    for (const session of this.sessions) session.ws.terminate()
  }
}
