/** Real room tokens, minted with the signing key in the server's data directory. */
import type { RoomScope } from '../../auth/claims.js'
import { KeyRing } from '../../auth/keys.js'
import { mintRoomToken } from '../../auth/tokens.js'
import { DEFAULTS } from '../../relay/config.js'

export type Minter = (room: string, scope: RoomScope) => Promise<string>

/** Long enough for the slowest full run; the bench never waits for a token to expire. */
const TOKEN_TTL_SECONDS = 3600

export async function makeMinter(dataDir: string): Promise<Minter> {
  const { ring } = await KeyRing.open(dataDir)
  const settings = {
    issuer: DEFAULTS.issuer,
    audience: DEFAULTS.audience,
    clockToleranceSeconds: DEFAULTS.clockToleranceSeconds,
  }
  let minted = 0
  return (room, scope) => mintRoomToken(ring, settings, { room, scope, sub: `bench-${minted++}`, ttlSeconds: TOKEN_TTL_SECONDS })
}
