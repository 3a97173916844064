/**
 * Identity tokens from a trusted identity provider. A deployment configures where the provider's
 * keys are (a JWKS URL, or a JWKS file for a provider that is offline or local), the issuer and
 * audience to expect, and which claims name the user and list their groups.
 */
import { readFile } from 'node:fs/promises'
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import type { Clock } from './clock.js'
import { isSubjectName } from './grants.js'

export interface IdentitySettings {
  jwksUrl?: string
  jwksFile?: string
  issuer: string
  audience: string
  /** The claim holding the user's name; the subject becomes `user:<name>`. */
  userClaim: string
  /** The claim listing the user's groups (an array of names); each is matched as `group:<name>`. */
  groupsClaim: string
  clockToleranceSeconds: number
}

export interface VerifiedIdentity {
  user: string
  groups: string[]
}

/** `unavailable`: the provider's keys could not be fetched, so the token could not be judged. */
export type IdentityResult =
  | { ok: true; identity: VerifiedIdentity }
  | { ok: false; unavailable: boolean; reason: string }

/** Guest subjects are `user:anon-…`; an identity provider's user of that name would impersonate one. */
export const GUEST_NAME_PREFIX = 'anon-'

export class IdentityVerifier {
  private constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly settings: IdentitySettings,
    private readonly clock: Clock,
  ) {}

  /** `clock`: the time identity tokens expire by, the token service's own (tests move it). */
  static async create(settings: IdentitySettings, clock: Clock): Promise<IdentityVerifier> {
    if (settings.jwksUrl !== undefined) {
      return new IdentityVerifier(createRemoteJWKSet(new URL(settings.jwksUrl)), settings, clock)
    }
    if (settings.jwksFile !== undefined) {
      let jwks: JSONWebKeySet
      try {
        jwks = JSON.parse(await readFile(settings.jwksFile, 'utf8')) as JSONWebKeySet
      } catch (error) {
        throw new Error(`cannot load the identity JWKS file ${settings.jwksFile}: ${(error as Error).message}`, { cause: error })
      }
      return new IdentityVerifier(createLocalJWKSet(jwks), settings, clock)
    }
    throw new Error('identity verification needs a JWKS URL or a JWKS file')
  }

  async verify(jwt: string): Promise<IdentityResult> {
    let payload: Record<string, unknown>
    try {
      ;({ payload } = await jwtVerify(jwt, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSeconds,
        currentDate: this.clock.now(),
        requiredClaims: ['exp'],
      }))
    } catch (error) {
      if (!(error instanceof joseErrors.JOSEError) || error instanceof joseErrors.JWKSTimeout) {
        return { ok: false, unavailable: true, reason: `identity provider keys could not be fetched: ${(error as Error).message}` }
      }
      return { ok: false, unavailable: false, reason: `identity token refused: ${describeJoseError(error)}` }
    }
    const user = payload[this.settings.userClaim]
    if (typeof user !== 'string' || !isSubjectName(user) || user.startsWith(GUEST_NAME_PREFIX)) {
      return { ok: false, unavailable: false, reason: `identity token's "${this.settings.userClaim}" claim is not a usable user name` }
    }
    const claimed = payload[this.settings.groupsClaim]
    // Group names the grant model cannot hold are left out rather than refusing the whole identity.
    const groups = Array.isArray(claimed)
      ? claimed.filter((group): group is string => typeof group === 'string' && isSubjectName(group))
      : []
    return { ok: true, identity: { user, groups } }
  }
}

function describeJoseError(error: joseErrors.JOSEError): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim "${error.claim}" is not as expected`
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the identity provider matches'
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature'
  return 'malformed or of an unaccepted kind'
}
