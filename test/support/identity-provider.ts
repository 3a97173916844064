/** A test identity provider: an ES256 key whose JWKS is in a file, and identity tokens it signs. */
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterEach } from 'vitest'
import type { IdentitySettings } from '../../auth/identity.js'
import { TOKEN_SERVICE_DEFAULTS, type TokenServiceSettings } from '../../auth/service/settings.js'
import { makeDataDir, type RelayFixture, type TestRelay } from './relay-fixture.js'

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

/**
 * For a test file: starts the test's relay trusting a fresh test identity provider, with
 * `tokenService` over the defaults (such as `roomCreators`); the provider goes after each test.
 */
export function useIdentityRelay(
  fixture: RelayFixture,
  tokenService: Partial<TokenServiceSettings> = {},
): () => Promise<{ relay: TestRelay; idp: TestIdentityProvider }> {
  let idp: TestIdentityProvider | undefined
  afterEach(async () => {
    await idp?.dispose()
    idp = undefined
  })
  return async () => {
    idp = await startIdentityProvider()
    const relay = await fixture.start({}, { tokenService: { ...TOKEN_SERVICE_DEFAULTS, ...tokenService, identity: idp.settings } })
    return { relay, idp }
  }
}
