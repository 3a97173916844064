/**
 * Turns the bearer credential of an API call into a principal. Three kinds are told apart by
 * shape: the server admin credential, a guest key, and (when an identity provider is configured)
 * an identity JWT. No credential at all is allowed; the operation then decides.
 */
import { userSubject } from '../grants.js'
import type { IdentityVerifier } from '../identity.js'
import { secretMatches } from '../secrets.js'
import { ServiceError } from './errors.js'
import { guestSubjectOf, isGuestKey } from './guest-keys.js'
import type { Principal } from './principal.js'

const ADMIN_ACTOR = 'admin'

export class Authenticator {
  constructor(
    private readonly adminKeyHash: string,
    private readonly identity: IdentityVerifier | null,
  ) {}

  /** The caller, or null when the request carries no credential. */
  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    if (authorization === undefined || authorization === '') return null
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    if (!match) throw new ServiceError(401, 'unauthorized', 'the Authorization header must be "Bearer <credential>"')
    const credential = match[1]!
    if (secretMatches(credential, this.adminKeyHash)) return { kind: 'admin', actor: ADMIN_ACTOR }
    if (isGuestKey(credential)) return { kind: 'user', subject: guestSubjectOf(credential), groups: [] }
    if (!this.identity) {
      throw new ServiceError(401, 'unauthorized', 'the credential is not an admin credential or a guest key, and no identity provider is configured')
    }
    const verified = await this.identity.verify(credential)
    if (!verified.ok) throw new ServiceError(verified.unavailable ? 503 : 401, verified.unavailable ? 'identity_unavailable' : 'unauthorized', verified.reason)
    return { kind: 'user', subject: userSubject(verified.identity.user), groups: verified.identity.groups }
  }
}
