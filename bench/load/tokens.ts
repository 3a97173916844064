/** Real room tokens, minted with the signing key in the server's data directory. */
import type { RoomScope } from '../../auth/claims.js'
import { KeyRing } from '../../auth/keys.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { mintRoomToken } from '../../auth/tokens.js'
import { BENCH_TOKEN_SETTINGS } from '../token-settings.js'

export type Minter = (room: string, scope: RoomScope) => Promise<string>

/** Long enough for the slowest full run; the bench never waits for a token to expire. */
const TOKEN_TTL_SECONDS = 3600

export async function makeMinter(dataDir: string): Promise<Minter> {
  const { ring } = await KeyRing.open(new FileKeyStore(dataDir))
  let minted = 0
  return (room, scope) => mintRoomToken(ring, BENCH_TOKEN_SETTINGS, { room, scope, sub: `bench-${minted++}`, ttlSeconds: TOKEN_TTL_SECONDS })
}
