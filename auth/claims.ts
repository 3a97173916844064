/** The claims of a Lectern room token. */
import type { RoomScope } from '../protocol/api-types.js'

export type { RoomScope }

export interface RoomClaims {
  iss: string
  aud: string
  /** Who the session belongs to; shown in logs and grant listings. */
  sub: string
  /** The one room this token admits to. */
  room: string
  scope: RoomScope
  iat: number
  exp: number
  jti: string
  /** The grant this token was minted from. A session admitted by it lives as long as the grant. */
  gid?: string
  /** The share link the grant came through, so revoking the link can end its sessions. */
  lid?: string
}

export function isRoomScope(value: unknown): value is RoomScope {
  return value === 'read' || value === 'write'
}

export const DEFAULT_ISSUER = 'lectern'
export const DEFAULT_AUDIENCE = 'lectern-relay'
