/** Minting and verifying room tokens (JWT, EdDSA, algorithm pinned, `kid` required). */
import { randomUUID } from 'node:crypto'
import { SignJWT, jwtVerify, errors as joseErrors, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose'
import { epochSeconds } from './clock.js'
import { KeyRing, SIGNING_ALGORITHM } from './keys.js'
import { isRoomScope, type RoomClaims, type RoomScope } from './claims.js'

export interface TokenSettings {
  issuer: string
  audience: string
  /** Tolerated clock skew between the minting and the verifying machine, in seconds. */
  clockToleranceSeconds: number
}

export interface MintRequest {
  room: string
  scope: RoomScope
  sub: string
  ttlSeconds: number
  gid?: string
  lid?: string
}

/** Signs with the ring's newest key; `iat` and `exp` go by the ring's clock. */
export async function mintRoomToken(keys: KeyRing, settings: TokenSettings, request: MintRequest): Promise<string> {
  const key = keys.signingKey
  const now = epochSeconds(keys.clock)
  const claims: Record<string, unknown> = { room: request.room, scope: request.scope }
  if (request.gid !== undefined) claims.gid = request.gid
  if (request.lid !== undefined) claims.lid = request.lid
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(request.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey)
}

/** Why a token was refused. The text is safe to show to the client: it never echoes the token. */
export type TokenRefusal =
  | 'missing token'
  | 'malformed token'
  | 'unknown signing key'
  | 'bad signature'
  | 'token expired'
  | 'token not yet valid'
  | 'wrong issuer or audience'
  | 'invalid claims'

export type VerifyResult = { ok: true; claims: RoomClaims } | { ok: false; reason: TokenRefusal }

/** Checks a token against the ring's keys, at the ring's clock's time. */
export async function verifyRoomToken(
  keys: KeyRing,
  settings: TokenSettings,
  token: string | null | undefined,
): Promise<VerifyResult> {
  if (!token) return { ok: false, reason: 'missing token' }
  // Three base64url segments: anything else is refused before any parsing or crypto.
  if (token.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    return { ok: false, reason: 'malformed token' }
  }
  let unknownKid = false
  const resolveKey = async (header: JWTHeaderParameters, _token: FlattenedJWSInput) => {
    const key = header.kid === undefined ? undefined : await keys.findVerificationKey(header.kid)
    if (!key) {
      unknownKid = true
      throw new Error('unknown kid')
    }
    return key.verificationKey
  }
  try {
    const { payload } = await jwtVerify(token, resolveKey, {
      algorithms: [SIGNING_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: settings.clockToleranceSeconds,
      currentDate: keys.clock.now(),
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    })
    const { room, scope } = payload as Record<string, unknown>
    if (typeof room !== 'string' || !isRoomScope(scope)) return { ok: false, reason: 'invalid claims' }
    return { ok: true, claims: payload as unknown as RoomClaims }
  } catch (error) {
    if (unknownKid) return { ok: false, reason: 'unknown signing key' }
    return { ok: false, reason: refusalFor(error) }
  }
}

function refusalFor(error: unknown): TokenRefusal {
  if (error instanceof joseErrors.JWTExpired) return 'token expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return 'token not yet valid'
    if (error.claim === 'iss' || error.claim === 'aud') return 'wrong issuer or audience'
    return 'invalid claims'
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature'
  return 'malformed token'
}
