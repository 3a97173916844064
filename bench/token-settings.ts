/** The issuer, audience and clock tolerance every bench process mints and verifies tokens with: Lectern's defaults. */
import type { TokenSettings } from '../auth/tokens.js'
import { DEFAULTS } from '../relay/config.js'

export const BENCH_TOKEN_SETTINGS: TokenSettings = {
  issuer: DEFAULTS.issuer,
  audience: DEFAULTS.audience,
  clockToleranceSeconds: DEFAULTS.clockToleranceSeconds,
}
