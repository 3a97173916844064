/**
 * A joined room: the y-websocket provider on the library's copy of the document, the read-only
 * guard, the relay's scope messages, and what to do when the relay closes the connection: refresh
 * an expired token (4401), stop for good when access was taken away (4403).
 */
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { WebsocketProvider } from 'y-websocket'
import { LecternApiError } from '../protocol/api-error.js'
import { CloseCode } from '../protocol/close-codes.js'
import { MessageType } from '../protocol/messages.js'
import { readScopeMessage } from '../protocol/scope-message.js'
import { DocBridge, type ReadOnlyEdits } from './doc-bridge.js'
import { Emitter } from './events.js'
import { hasExpired, readTokenClaims, type TokenClaims } from './token-claims.js'
import type { RoomEvents, RoomHandle, Scope, Status, WebSocketClass } from './types.js'

export interface SessionParts {
  relay: string
  room: string
  token: string
  subject: string | undefined
  doc: Y.Doc
  awareness: Awareness
  /** The awareness was made by joinRoom: destroy it with the handle (its timer would keep Node running). */
  ownsAwareness: boolean
  WebSocket: WebSocketClass
  readOnlyEdits: ReadOnlyEdits
  /** A fresh room token from the API; absent when there is no credential to ask with. */
  refreshToken: (() => Promise<string>) | undefined
}

/** Refreshes that end in 4401 again before a sync, in a row, before giving up: the token service and relay disagree. */
const MAX_FAILED_REFRESHES = 2
const RETRY_MIN_MS = 1000
const RETRY_MAX_MS = 30_000

export class RoomSession implements RoomHandle {
  readonly room: string
  readonly provider: WebsocketProvider
  readonly awareness: Awareness
  readonly subject: string | undefined
  readonly synced: Promise<void>
  private readonly bridge: DocBridge
  private readonly emitter = new Emitter<RoomEvents>()
  private claims: TokenClaims
  private currentScope: Scope
  private currentStatus: Status = 'connecting'
  private failedRefreshes = 0
  private retryDelayMs = RETRY_MIN_MS
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private destroyed = false
  private settleSynced: { resolve(): void; reject(error: Error): void } | undefined

  constructor(private readonly parts: SessionParts) {
    this.room = parts.room
    this.subject = parts.subject
    this.awareness = parts.awareness
    this.claims = readTokenClaims(parts.token)
    this.currentScope = this.claims.scope ?? 'read'
    this.synced = new Promise<void>((resolve, reject) => {
      this.settleSynced = { resolve, reject }
    })
    // Nobody may be waiting on it; a handle that stops before its first sync must not crash Node.
    this.synced.catch(() => undefined)
    this.bridge = new DocBridge(parts.doc, parts.readOnlyEdits, {
      readOnlyEdit: () => this.emitter.emit('readOnlyEdit'),
      replaced: (doc, previous) => this.emitter.emit('doc', doc, previous),
    })
    this.provider = new WebsocketProvider(parts.relay, parts.room, this.bridge.relayDoc, {
      awareness: parts.awareness,
      params: { token: parts.token },
      // Every update goes through the relay: over BroadcastChannel a read-only tab's changes
      // would reach a writer tab of the same browser, and from there the room.
      disableBc: true,
      WebSocketPolyfill: parts.WebSocket as unknown as typeof WebSocket,
      // 44xx: this connection cannot succeed by retrying as it is; handled in `closed` below.
      shouldReconnect: (event) => !isFinal(event.code),
    })
    // Our auth handler replaces y-websocket's, which logs the URL (and so the token) on a
    // permission-denied. The scope message is read here; permission-denied needs no action: the
    // scope message before it already stopped local changes from going out.
    this.provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
      const scope = readScopeMessage(decoder.arr)
      if (scope) this.scopeChanged(scope)
    }
    this.provider.on('status', ({ status }) => {
      if (status === 'connecting') this.setStatus('connecting')
    })
    this.provider.on('sync', (isSynced) => {
      if (!isSynced) return
      this.failedRefreshes = 0
      this.setStatus('live')
      this.settleSynced?.resolve()
    })
    this.provider.on('connection-close', (event) => this.connectionClosed(event))
    this.provider.on('closed', ({ code, reason }) => this.refused(code, reason))
  }

  get doc(): Y.Doc {
    return this.bridge.doc
  }

  get scope(): Scope {
    return this.currentScope
  }

  get status(): Status {
    return this.currentStatus
  }

  on<Name extends keyof RoomEvents>(event: Name, listener: RoomEvents[Name]): () => void {
    return this.emitter.on(event, listener)
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.stop()
    this.settleSynced?.reject(new Error(`the handle of room ${this.room} was destroyed before its first sync`))
    this.provider.destroy()
    if (this.parts.ownsAwareness) this.awareness.destroy()
    this.bridge.destroy()
    this.emitter.clear()
  }

  private scopeChanged(scope: Scope): void {
    this.bridge.setScope(scope)
    if (scope === this.currentScope) return
    this.currentScope = scope
    this.emitter.emit('scope', scope)
  }

  private connectionClosed(event: { code: number } | null): void {
    this.bridge.disconnected()
    if (this.stopped) return
    this.setStatus('offline')
    // A reconnect is coming (unless the code is final): give it a valid token if ours has expired.
    if (event !== null && !isFinal(event.code) && hasExpired(this.claims, Date.now())) void this.refresh()
  }

  /** The relay closed with a 44xx code: y-websocket has stopped reconnecting. */
  private refused(code: number, reason: string): void {
    if (this.stopped) return
    if (code === CloseCode.unauthorized) {
      void this.refresh().then((refreshed) => {
        if (refreshed && !this.stopped) this.provider.connect()
      })
    } else if (code === CloseCode.forbidden) {
      this.revoke(reason || 'access revoked')
    } else {
      this.fail(new Error(`the relay refused the room (close ${code}${reason ? `: ${reason}` : ''})`))
    }
  }

  /** Gets a fresh token into the provider's params; false if the session had to stop instead. */
  private async refresh(): Promise<boolean> {
    if (!this.parts.refreshToken) {
      this.fail(new Error('the room token expired and there is no credential to refresh it with'))
      return false
    }
    if (++this.failedRefreshes > MAX_FAILED_REFRESHES) {
      this.fail(new Error('the relay keeps refusing refreshed room tokens (close 4401)'))
      return false
    }
    try {
      const token = await this.parts.refreshToken()
      this.claims = readTokenClaims(token)
      this.provider.params.token = token
      this.retryDelayMs = RETRY_MIN_MS
      return true
    } catch (error) {
      if (this.stopped) return false
      if (error instanceof LecternApiError && error.status !== 0 && error.status < 500) {
        // no_grant, unauthorized, forbidden: the access is gone, retrying will not bring it back.
        this.revoke(`${error.code}: ${error.message}`)
        return false
      }
      this.failedRefreshes--
      this.emitter.emit('error', error as Error)
      this.scheduleRetry()
      return false
    }
  }

  /** The API could not be reached: try the refresh again later, then reconnect. */
  private scheduleRetry(): void {
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => {
      void this.refresh().then((refreshed) => {
        if (refreshed && !this.stopped) this.provider.connect()
      })
    }, this.retryDelayMs)
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS)
  }

  private revoke(reason: string): void {
    if (this.stopped) return
    this.stop()
    this.settleSynced?.reject(new Error(`access to room ${this.room} was revoked: ${reason}`))
    this.emitter.emit('revoked', reason)
  }

  private fail(error: Error): void {
    if (this.stopped) return
    this.stop()
    this.settleSynced?.reject(error)
    this.emitter.emit('error', error)
  }

  /** No more connections: y-websocket's own reconnect is turned off too. */
  private stop(): void {
    this.stopped = true
    clearTimeout(this.retryTimer)
    this.provider.disconnect()
    this.setStatus('offline')
  }

  private setStatus(status: Status): void {
    if (status === this.currentStatus) return
    this.currentStatus = status
    this.emitter.emit('status', status)
  }
}

function isFinal(code: number): boolean {
  return code >= 4400 && code < 4500
}
