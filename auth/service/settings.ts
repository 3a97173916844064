/** Token service settings and their defaults; `relay/token-service-config.ts` resolves them from flags and environment. */
import type { IdentitySettings } from '../identity.js'

export interface TokenServiceSettings {
  /** How long a room token admits (its `exp`); a grant-backed session outlives it. */
  tokenTtlSeconds: number
  /** A share link's lifetime when its creator does not say. */
  linkTtlSeconds: number
  /** The longest lifetime a share link may be given. */
  linkMaxTtlSeconds: number
  adminToken?: string
  identity?: IdentitySettings
  /** Who may open rooms of their own (`POST /rooms`): subjects such as `group:staff`. Nobody by default. */
  roomCreators?: string[]
  /** Anonymous redeems one client address may make: sustained per second, and burst. */
  redeemRatePerSecond: number
  redeemBurst: number
  /**
   * Proxies (IP addresses, CIDR ranges) whose `X-Forwarded-For` names the client address the
   * redeem limit counts; the HTTP API in front of the service reads it. None by default.
   */
  trustProxy?: readonly string[]
}

export const TOKEN_SERVICE_DEFAULTS: TokenServiceSettings = {
  tokenTtlSeconds: 600,
  linkTtlSeconds: 86_400,
  linkMaxTtlSeconds: 30 * 86_400,
  // A 500-person tutorial behind one NAT redeems within the burst; a code guesser gets 10 a second.
  redeemRatePerSecond: 10,
  redeemBurst: 600,
}
