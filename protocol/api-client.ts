/**
 * A typed client of the token service's HTTP API (/api/v1, openapi.yaml): one method per route.
 * Browser-safe: it only needs a `fetch` (the global one by default, or the one it is given).
 */
import { LecternApiError, isApiErrorCode } from './api-error.js'
import type {
  Caller,
  CreatedLink,
  GrantChange,
  GrantEnded,
  GrantRequest,
  GrantWithSessions,
  IssuedToken,
  Link,
  LiveRoom,
  NewLink,
  OpenedRoom,
  Redeemed,
  RevokedLink,
  RotatedKeys,
  SharedRoom,
} from './api-types.js'

export type Fetch = (input: string, init: RequestInit) => Promise<Response>

export interface LecternApiOptions {
  /** The API's base URL, such as `http://127.0.0.1:1234/api/v1`. */
  api: string
  /** Sent as `Authorization: Bearer …`: a guest key, an identity JWT or the server admin key. */
  credential?: string
  /** Defaults to the global `fetch`. */
  fetch?: Fetch
}

/** The API's base URL on a relay's own port: `ws://host:port` → `http://host:port/api/v1`. */
export function apiUrlOfRelay(relay: string): string {
  const url = new URL(relay)
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol
  return `${url.origin}/api/v1`
}

const segment = encodeURIComponent

export class LecternApi {
  readonly api: string
  readonly credential: string | undefined
  private readonly fetch: Fetch

  constructor(options: LecternApiOptions) {
    this.api = options.api.replace(/\/+$/, '')
    this.credential = options.credential
    // Called through a closure: a browser's fetch refuses to run with another `this` than window.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  }

  /** The same API with another credential (or none). */
  withCredential(credential: string | undefined): LecternApi {
    return new LecternApi({ api: this.api, fetch: this.fetch, ...(credential !== undefined ? { credential } : {}) })
  }

  /** The rooms open on this relay now, the busiest first (server admin only). */
  async liveRooms(): Promise<LiveRoom[]> {
    return (await this.call<{ rooms: LiveRoom[] }>('GET', '/rooms')).rooms
  }

  createLink(room: string, link: NewLink): Promise<CreatedLink> {
    return this.call('POST', `/rooms/${segment(room)}/links`, link)
  }

  async listLinks(room: string): Promise<Link[]> {
    return (await this.call<{ links: Link[] }>('GET', `/rooms/${segment(room)}/links`)).links
  }

  /** By default the grants the link created are revoked too, ending their sessions. */
  revokeLink(room: string, linkId: string, options: { endSessions?: boolean } = {}): Promise<RevokedLink> {
    const query = options.endSessions === false ? '?endSessions=false' : ''
    return this.call('DELETE', `/rooms/${segment(room)}/links/${segment(linkId)}${query}`)
  }

  /** Without a credential the caller becomes a new guest: keep the answer's `guestKey`. */
  redeem(request: { code: string; displayName?: string }): Promise<Redeemed> {
    return this.call('POST', '/redeem', request)
  }

  /** The room's grants, each with how many of its sessions are connected to this relay now. */
  async listGrants(room: string): Promise<GrantWithSessions[]> {
    return (await this.call<{ grants: GrantWithSessions[] }>('GET', `/rooms/${segment(room)}/grants`)).grants
  }

  /** `room` may be a prefix (`course-101/*`); with `expiresInSeconds` the change is timed. */
  setGrant(room: string, subject: string, grant: GrantRequest): Promise<GrantChange> {
    return this.call('PUT', `/rooms/${segment(room)}/grants/${segment(subject)}`, grant)
  }

  /** Opens a room of the caller's own (an identity user the server allows); 403 otherwise. */
  createRoom(request: { label?: string } = {}): Promise<OpenedRoom> {
    return this.call('POST', '/rooms', request)
  }

  revokeGrant(room: string, subject: string): Promise<GrantEnded> {
    return this.call('DELETE', `/rooms/${segment(room)}/grants/${segment(subject)}`)
  }

  /** A fresh room token: the refresh (guest key) and the identity exchange (identity JWT). */
  roomToken(room: string): Promise<IssuedToken> {
    return this.call('POST', `/rooms/${segment(room)}/token`)
  }

  /** Who this credential is, and whether it may open rooms (createRoom). */
  whoAmI(): Promise<Caller> {
    return this.call('GET', '/me')
  }

  async myRooms(): Promise<SharedRoom[]> {
    return (await this.call<{ rooms: SharedRoom[] }>('GET', '/me/rooms')).rooms
  }

  /** Removes the caller's own grant on the room, ending their sessions. */
  leaveRoom(room: string): Promise<GrantEnded> {
    return this.call('DELETE', `/me/rooms/${segment(room)}`)
  }

  rotateKeys(options: { graceSeconds?: number } = {}): Promise<RotatedKeys> {
    return this.call('POST', '/keys/rotate', options)
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (this.credential !== undefined) headers.authorization = `Bearer ${this.credential}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const init: RequestInit = { method, headers }
    if (body !== undefined) init.body = JSON.stringify(body)
    let response: Response
    try {
      response = await this.fetch(`${this.api}${path}`, init)
    } catch (error) {
      // The URL is not in the message: nothing secret is in it today, but a log line should not depend on that.
      throw new LecternApiError(0, 'network_error', `${method} ${this.api} failed: ${(error as Error).message}`, { cause: error })
    }
    const parsed = await readJson(response)
    if (response.ok && parsed.ok) return parsed.value as T
    throw answerError(response.status, parsed)
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: unknown }

async function readJson(response: Response): Promise<Parsed> {
  try {
    return { ok: true, value: JSON.parse(await response.text()) as unknown }
  } catch (error) {
    return { ok: false, error }
  }
}

function answerError(status: number, parsed: Parsed): LecternApiError {
  if (!parsed.ok) return new LecternApiError(status, 'unexpected_response', `HTTP ${status} with a body that is not JSON`, { cause: parsed.error })
  const { error, message } = (parsed.value ?? {}) as { error?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : `HTTP ${status}`
  if (isApiErrorCode(error)) return new LecternApiError(status, error, text)
  return new LecternApiError(status, 'unexpected_response', `HTTP ${status} ${String(error)}: ${text}`)
}
