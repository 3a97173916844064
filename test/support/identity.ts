/** A local identity provider for tests: a key pair, its JWKS in a file, and signed identity tokens. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { IdentitySettings } from '../../auth/identity.js'

export interface TestIdentityProvider {
  settings: IdentitySettings
  token(user: string, groups?: string[]): Promise<string>
}

export async function testIdentityProvider(dir: string): Promise<TestIdentityProvider> {
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  const jwksFile = join(dir, 'idp-jwks.json')
  await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp', alg: 'ES256', use: 'sig' }] }))
  const settings: IdentitySettings = {
    jwksFile,
    issuer: 'https://idp.test',
    audience: 'lectern',
    userClaim: 'preferred_username',
    groupsClaim: 'groups',
    clockToleranceSeconds: 5,
  }
  return {
    settings,
    token: (user, groups = []) =>
      new SignJWT({ preferred_username: user, groups })
        .setProtectedHeader({ alg: 'ES256', kid: 'idp' })
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
  }
}
