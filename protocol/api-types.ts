/**
 * The JSON shapes of the HTTP API (/api/v1), as a caller sees them: the wire types of
 * openapi.yaml. They live here once: the token service (auth/) answers with these types, the
 * typed client (api-client.ts), the CLI and lectern/client read them.
 */

/** What a session admitted with a room token may do. */
export type RoomScope = 'read' | 'write'

/** A grant's scope: `admin` edits like `write` and also manages the room's links and grants. */
export type GrantScope = 'read' | 'write' | 'admin'

export interface GrantLayer {
  scope: GrantScope
  /** The share link whose redeem made this layer: revoking the link removes it. */
  linkId?: string
  /** A timed layer lapses at this time (ISO 8601). */
  until?: string
  /** With `until`: the whole grant goes at that time, not only this layer. */
  revokeAtExpiry?: true
}

/** What a timed change becomes at its end: the scope below it, or nothing. */
export type GrantThen = GrantScope | 'revoke'

export interface Grant {
  id: string
  /** A room name, or a room prefix such as `course-101/*`. */
  room: string
  /** `user:NAME` or `group:NAME`. */
  subject: string
  /** The scope in force: the top layer's. */
  scope: GrantScope
  /** Grows by one at every change (an expiry too), so an older view never overrides a newer one. */
  revision: number
  createdAt: string
  createdBy: string
  updatedAt: string
  updatedBy: string
  /** The share link that created this grant (the bottom layer's). */
  linkId?: string
  /** A name the redeemer gave, so an admin can tell anonymous guests apart. Not an identity. */
  displayName?: string
  /** A label its creator gave (a room a presenter opened). */
  label?: string
  /** Bottom first; the top one's scope is `scope` (a link's raise, a timed change). */
  layers: GrantLayer[]
  /** When the timed layer lapses, and what the grant is then: listed so nobody has to read layers. */
  until?: string
  then?: GrantThen
}

/** A grant change: `expiresInSeconds` makes it timed; `then` says what happens at its end. */
export interface GrantRequest {
  scope: GrantScope
  /** A timed change: it lasts this long, then `then` happens. */
  expiresInSeconds?: number
  /** `revert` (back to the scope below; the default) or `revoke` (the grant goes). */
  then?: 'revert' | 'revoke'
}

/** A room open on the relay now, with its connected sessions. */
export interface LiveRoom {
  room: string
  sessions: number
}

/** A grant as the room's grants list shows it: with its sessions connected to this relay now. */
export interface GrantWithSessions extends Grant {
  sessions: number
}

export type LinkStatus = 'active' | 'expired' | 'used_up' | 'revoked'

/** A share link as listed (never its code). */
export interface Link {
  id: string
  room: string
  /** The scope the redeemer's grant gets. An admin link is an invitation to co-own: give it one use. */
  scope: GrantScope
  label?: string
  createdAt: string
  createdBy: string
  expiresAt: string
  /** null: no limit. */
  maxUses: number | null
  uses: number
  revokedAt: string | null
  revokedBy: string | null
  status: LinkStatus
}

export interface NewLink {
  scope: GrantScope
  /** Default 24 h on the server (LECTERN_LINK_TTL). */
  expiresInSeconds?: number
  /** null or absent: no limit. */
  maxUses?: number | null
  label?: string
}

export interface CreatedLink {
  link: Link
  /** `lct_share_…`: returned only here. */
  code: string
}

export interface RevokedLink {
  link: Link
  grantsRevoked: number
  sessionsEnded: number
}

export interface IssuedToken {
  /** The room token (JWT) for the relay's `?token=`. */
  token: string
  expiresAt: string
  room: string
  scope: RoomScope
  grant: Grant
}

export interface Redeemed extends IssuedToken {
  subject: string
  /** Only for a redeem made without a credential: the new guest's key, shown once. */
  guestKey?: string
}

export interface GrantChange {
  grant: Grant
  created: boolean
  sessionsChanged: number
}

export interface GrantEnded {
  grant: Grant
  sessionsEnded: number
}

/** A room a presenter opened: its fresh name and the admin grant they got on it. */
export interface OpenedRoom {
  room: string
  grant: Grant
}

export interface SharedRoom {
  /** A room name, or a room prefix such as `course-101/*`. */
  room: string
  scope: GrantScope
  /** The grant's label: what its creator called a room they opened. */
  label?: string
  grantId: string
  /** `group` when the access comes through one of the caller's groups. */
  via: 'user' | 'group'
  subject: string
  updatedAt: string
}

/** Who a credential is (GET /me): the console asks before it offers to open a room. */
export interface Caller {
  /** `admin`: the server admin key; `guest`: a guest key; `user`: an identity token. */
  kind: 'admin' | 'guest' | 'user'
  /** `user:NAME`; the server admin holds no grants and has none. */
  subject?: string
  /** The caller's groups, from their identity token. */
  groups: string[]
  /** Whether `POST /rooms` opens a room for them (an identity user the server allows). */
  mayOpenRooms: boolean
}

export interface RotatedKeys {
  keyId: string
  graceSeconds: number
}
