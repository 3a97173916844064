/**
 * The JSON shapes of the HTTP API (/api/v1), as a caller sees them: the wire types of
 * openapi.yaml. The token service's own types must stay assignable to these; a type test
 * (test/protocol/api-types.test.ts) holds the two in step.
 */

/** What a session admitted with a room token may do. */
export type RoomScope = 'read' | 'write'

/** A grant's scope: `admin` edits like `write` and also manages the room's links and grants. */
export type GrantScope = 'read' | 'write' | 'admin'

export interface Grant {
  id: string
  room: string
  /** `user:NAME` or `group:NAME`. */
  subject: string
  scope: GrantScope
  /** Grows by one at every change. */
  revision: number
  createdAt: string
  createdBy: string
  updatedAt: string
  updatedBy: string
  /** The share link that created the grant. */
  linkId?: string
  /** The name the redeemer gave; not an identity. */
  displayName?: string
  /** What its creator called a room they opened. */
  label?: string
  /** Bottom first; the top one's scope is `scope` (a link's raise, a timed change). */
  layers: Array<{ scope: GrantScope; linkId?: string; until?: string; revokeAtExpiry?: true }>
  /** A timed change lapses at `until`; the grant is then `then`. */
  until?: string
  then?: GrantScope | 'revoke'
}

/** A grant change: `expiresInSeconds` makes it timed; `then` says what happens at its end. */
export interface GrantRequest {
  scope: GrantScope
  expiresInSeconds?: number
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

export interface SharedRoom {
  room: string
  scope: GrantScope
  grantId: string
  via: 'user' | 'group'
  subject: string
  updatedAt: string
}

export interface RotatedKeys {
  keyId: string
  graceSeconds: number
}
