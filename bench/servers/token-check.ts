/**
 * Token verification for the peer servers, so that every server pays for the same Ed25519 JWT
 * check per connection. It uses the key ring and verifier Lectern uses: the cost compared is the
 * servers', not two JWT libraries'.
 */
import type { RoomScope } from '../../auth/claims.js'
import { KeyRing } from '../../auth/keys.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { verifyRoomToken } from '../../auth/tokens.js'
import { BENCH_TOKEN_SETTINGS } from '../token-settings.js'

export type TokenCheck = (token: string | null, room: string) => Promise<RoomScope | null>

export async function makeTokenCheck(dataDir: string): Promise<TokenCheck> {
  const { ring } = await KeyRing.open(new FileKeyStore(dataDir))
  return async (token, room) => {
    const verified = await verifyRoomToken(ring, BENCH_TOKEN_SETTINGS, token)
    if (!verified.ok || verified.claims.room !== room) return null
    return verified.claims.scope
  }
}
