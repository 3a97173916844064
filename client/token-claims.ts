/**
 * What a client may read from its room token without verifying it (the relay verifies): the room,
 * the scope it was minted with, the subject and the expiry.
 */
import type { RoomScope } from '../protocol/api-types.js'

export interface TokenClaims {
  room: string | undefined
  scope: RoomScope | undefined
  sub: string | undefined
  /** Seconds since the epoch. */
  exp: number | undefined
}

export function readTokenClaims(token: string): TokenClaims {
  const payload = token.split('.')[1]
  let claims: Record<string, unknown> = {}
  if (payload !== undefined) {
    try {
      const base64 = payload.replace(/-/g, '+').replace(/_/g, '/')
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
      claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
    } catch {
      // Not a JWT we can read: the relay will say what is wrong with it.
    }
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  return {
    room: text(claims.room),
    scope: claims.scope === 'read' || claims.scope === 'write' ? claims.scope : undefined,
    sub: text(claims.sub),
    exp: typeof claims.exp === 'number' ? claims.exp : undefined,
  }
}

/** True when the token is past its expiry (with a margin for clock skew and the trip to the relay). */
export function hasExpired(claims: TokenClaims, nowMs: number, marginSeconds = 5): boolean {
  return claims.exp !== undefined && claims.exp - marginSeconds <= nowMs / 1000
}
