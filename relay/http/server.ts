/**
 * The relay's HTTP server: WebSocket upgrades into rooms, health, metrics and the JWKS. Tokens are
 * verified before the upgrade completes; a refused session gets a close code and no document byte.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { Registry } from 'prom-client'
import type { KeyRing } from '../../auth/keys.js'
import { verifyRoomToken, type TokenSettings } from '../../auth/tokens.js'
import { CloseCode } from '../../protocol/close-codes.js'
import type { RelayConfig } from '../config.js'
import { createRoutedServer, getRoute, healthRoute, jwksRoute, listen, type RouteHandler } from './http-server.js'
import type { Logger } from '../logger.js'
import type { Relay } from '../core/relay.js'
import { roomFromRequestUrl, tokenFromRequestUrl } from '../../protocol/room-name.js'
import type { AdmissionPolicy } from '../access/admission.js'
import { RefusedTokens, type HttpRefusal } from './refused-tokens.js'

export interface ServerParts {
  config: RelayConfig
  relay: Relay
  keys: KeyRing
  metrics: Registry
  log: Logger
  admission: AdmissionPolicy
  /** Extra HTTP routes (the token service's API, pages), tried after health, metrics and the JWKS. */
  routes: RouteHandler[]
}

export class RelayServer {
  readonly http: Server
  private readonly wss: WebSocketServer
  private readonly tokenSettings: TokenSettings
  private readonly refusedTokens = new RefusedTokens()

  constructor(private readonly parts: ServerParts) {
    const { config } = parts
    this.tokenSettings = {
      issuer: config.issuer,
      audience: config.audience,
      clockToleranceSeconds: config.clockToleranceSeconds,
    }
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    })
    const { relay, metrics } = parts
    const health = healthRoute(() => {
      const store = relay.storeHealth()
      const counts = { rooms: relay.rooms.size, sessions: relay.sessions.size }
      if (!store.ok) return { ok: false, body: { status: 'unavailable', reason: store.reason, ...counts } }
      // Degraded (writes to disk failing) is still 200: every room is served from memory.
      if (store.degraded) return { ok: true, body: { status: 'degraded', reason: store.degraded, ...counts } }
      return { ok: true, body: { status: 'ok', ...counts } }
    })
    const scrape = getRoute('/metrics', async (res: ServerResponse) => {
      const text = await metrics.metrics()
      res.writeHead(200, { 'content-type': metrics.contentType })
      res.end(text)
    })
    this.http = createRoutedServer([health, scrape, jwksRoute(parts.keys), ...parts.routes], parts.log)
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((error: Error) => {
        parts.log.error({ err: error }, 'upgrade failed')
        socket.destroy()
      })
    })
  }

  async listen(): Promise<{ host: string; port: number }> {
    const { host, port } = await listen(this.http, this.parts.config.host, this.parts.config.port)
    return { host, port }
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()))
    await this.parts.relay.stop()
    this.http.closeAllConnections()
    await closed
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that vanishes mid-handshake must not take the process down. A named function, not
    // a closure: a closure here would keep this call's whole scope (claims, identity) alive for as
    // long as the socket lives.
    socket.on('error', destroyOnError)
    const { relay, keys, log } = this.parts
    const room = roomFromRequestUrl(req.url)
    if (!room.ok) return this.refuse(req, socket, head, CloseCode.badRoom, room.reason)
    const token = tokenFromRequestUrl(req.url)
    const repeated = this.refusedTokens.recall(room.room, token)
    if (repeated) return this.refuseAtHttp(socket, repeated)
    const refuse = (code: number, reason: string) => {
      this.refusedTokens.remember(room.room, token, code, reason)
      this.refuse(req, socket, head, code, reason)
    }
    const verified = await verifyRoomToken(keys, this.tokenSettings, token)
    if (!verified.ok) return refuse(CloseCode.unauthorized, verified.reason)
    const claims = verified.claims
    if (claims.room !== room.room) return refuse(CloseCode.forbidden, 'token is for another room')
    const admitted = await this.parts.admission.admit(claims)
    if (!admitted.ok) return refuse(admitted.code, admitted.reason)
    let loaded
    try {
      loaded = await relay.openRoom(room.room)
    } catch (error) {
      log.error({ room: room.room, err: error }, 'room could not be loaded')
      return this.refuse(req, socket, head, CloseCode.roomUnavailable, 'room could not be loaded')
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // From here on `ws` handles socket errors.
      socket.off('error', destroyOnError)
      const session = relay.attach(ws, loaded, admitted.identity)
      if (!session) return
      this.parts.admission.attached?.(session)
      log.debug({ room: room.room, sub: session.sub, scope: session.scope }, 'session admitted')
    })
  }

  /** A token refused moments ago: answered with a status and no upgrade (see refused-tokens.ts). */
  private refuseAtHttp(socket: Duplex, refusal: HttpRefusal): void {
    this.parts.relay.counters.repeatRefusals++
    const body = `${refusal.reason}\n`
    const statusText = refusal.status === 401 ? 'Unauthorized' : 'Forbidden'
    socket.end(
      `HTTP/1.1 ${refusal.status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }

  /**
   * Completes the handshake only to close with a code: browsers cannot read an HTTP status from a
   * failed WebSocket handshake, but they do see a close code, and y-websocket ≥ 3.1 stops
   * reconnecting on 4400–4499.
   */
  private refuse(req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void {
    this.parts.relay.counters.refuse(reason)
    this.parts.log.info({ closeCode: code, reason }, 'session refused')
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', destroyOnError)
      ws.on('error', () => undefined)
      ws.close(code, reason)
    })
  }
}

function destroyOnError(this: Duplex): void {
  this.destroy()
}
