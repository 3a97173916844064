/** What the token service answers: the shapes of its API's bodies. */
import type { RoomScope } from '../claims.js'
import type { Grant, GrantScope } from '../grants.js'

export interface IssuedToken {
  token: string
  expiresAt: string
  room: string
  scope: RoomScope
  grant: Grant
}

export interface RedeemResult extends IssuedToken {
  subject: string
  /** Only when this redeem made a new guest: the key that proves who they are from now on. Shown once. */
  guestKey?: string
}

export interface NewLinkRequest {
  scope: GrantScope
  expiresInSeconds?: number
  maxUses?: number | null
  label?: string
}

export interface GrantRequest {
  scope: GrantScope
  /** A timed change: it lasts this long, then `then` happens. */
  expiresInSeconds?: number
  /** `revert` (back to the scope below; the default) or `revoke` (the grant goes). */
  then?: 'revert' | 'revoke'
}

export interface GrantView extends Grant {
  /** Live sessions admitted through this grant, on this relay. */
  sessions: number
}

export interface SharedRoom {
  room: string
  scope: GrantScope
  grantId: string
  /** `group` when the access comes through one of the caller's groups. */
  via: 'user' | 'group'
  subject: string
  updatedAt: string
}
