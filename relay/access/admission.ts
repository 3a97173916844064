/** The admission port of the relay's upgrade: who gets in, with which identity. */
import type { RoomClaims } from '../../auth/claims.js'
import type { Session, SessionIdentity } from '../core/session.js'

/**
 * Decides, after the token verified, whether a session is admitted and with which identity. The
 * token service's policy consults grants, and admits grant-less tokens as tokenOnlyAdmission does.
 */
export interface AdmissionPolicy {
  admit(claims: RoomClaims): Promise<{ ok: true; identity: SessionIdentity } | { ok: false; code: number; reason: string }>
  /**
   * Called once an admitted session is live. Admission and attachment are apart by an await (the
   * room may load), so a policy that follows sessions re-checks here what changed meanwhile.
   */
  attached?(session: Session): void
}

/** Trusts the token alone: its scope, and a session that ends at the token's `exp`. */
export const tokenOnlyAdmission: AdmissionPolicy = {
  async admit(claims) {
    return { ok: true, identity: { sub: claims.sub, scope: claims.scope, expiresAtMs: claims.exp * 1000 } }
  },
}
