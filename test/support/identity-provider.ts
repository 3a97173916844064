/** A test identity provider: an ES256 key whose JWKS is in a file, and identity tokens it signs. */
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { IdentitySettings } from '../../auth/identity.js'
import { makeDataDir } from './relay-fixture.js'

export interface TestIdentityProvider {
  /** The token service settings that trust this provider. */
  settings: IdentitySettings
  /** An identity token for `sub`, member of `groups`, valid for five minutes (or `expiresIn`, as jose reads it: '2s'). */
  identify(sub: string, groups: string[], expiresIn?: string): Promise<string>
  dispose(): Promise<void>
}

export async function startIdentityProvider(): Promise<TestIdentityProvider> {
  const dir = await makeDataDir()
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  const jwksFile = join(dir, 'idp-jwks.json')
  await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }))
  return {
    settings: { jwksFile, issuer: 'idp', audience: 'lectern', userClaim: 'sub', groupsClaim: 'groups', clockToleranceSeconds: 5 },
    identify: (sub, groups, expiresIn = '5m') =>
      new SignJWT({ groups })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer('idp')
        .setAudience('lectern')
        .setSubject(sub)
        .setExpirationTime(expiresIn)
        .sign(privateKey),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}
