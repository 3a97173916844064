/**
 * Token service settings: defaults, environment variables and `serve` flags, in rising priority.
 * The admin credential is environment-only: a secret on a command line is visible to every user of
 * the machine.
 */
import { parseDurationSeconds } from '../duration.js'
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
}

export const TOKEN_SERVICE_DEFAULTS: TokenServiceSettings = {
  tokenTtlSeconds: 600,
  linkTtlSeconds: 86_400,
  linkMaxTtlSeconds: 30 * 86_400,
}

type Key = 'tokenTtl' | 'linkTtl' | 'linkMaxTtl' | 'jwksUrl' | 'jwksFile' | 'issuer' | 'audience' | 'userClaim' | 'groupsClaim'

/** Every setting, its environment variable and flag. The README's table mirrors this. */
export const TOKEN_SERVICE_SETTINGS: ReadonlyArray<{ key: Key; env: string; flag: string }> = [
  { key: 'tokenTtl', env: 'LECTERN_TOKEN_TTL', flag: 'token-ttl' },
  { key: 'linkTtl', env: 'LECTERN_LINK_TTL', flag: 'link-ttl' },
  { key: 'linkMaxTtl', env: 'LECTERN_LINK_MAX_TTL', flag: 'link-max-ttl' },
  { key: 'jwksUrl', env: 'LECTERN_IDENTITY_JWKS_URL', flag: 'identity-jwks-url' },
  { key: 'jwksFile', env: 'LECTERN_IDENTITY_JWKS_FILE', flag: 'identity-jwks-file' },
  { key: 'issuer', env: 'LECTERN_IDENTITY_ISSUER', flag: 'identity-issuer' },
  { key: 'audience', env: 'LECTERN_IDENTITY_AUDIENCE', flag: 'identity-audience' },
  { key: 'userClaim', env: 'LECTERN_IDENTITY_USER_CLAIM', flag: 'identity-user-claim' },
  { key: 'groupsClaim', env: 'LECTERN_IDENTITY_GROUPS_CLAIM', flag: 'identity-groups-claim' },
]

export function tokenServiceFlags(): Record<string, { type: 'string' }> {
  return Object.fromEntries(TOKEN_SERVICE_SETTINGS.map((setting) => [setting.flag, { type: 'string' as const }]))
}

export function resolveTokenServiceSettings(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
  clockToleranceSeconds: number,
): TokenServiceSettings {
  const raw: Partial<Record<Key, { value: string; source: string }>> = {}
  for (const setting of TOKEN_SERVICE_SETTINGS) {
    const fromEnv = env[setting.env]
    if (fromEnv !== undefined && fromEnv !== '') raw[setting.key] = { value: fromEnv, source: setting.env }
    const fromFlag = flags[setting.flag]
    if (fromFlag !== undefined) raw[setting.key] = { value: fromFlag, source: `--${setting.flag}` }
  }
  const duration = (key: 'tokenTtl' | 'linkTtl' | 'linkMaxTtl', fallback: number): number => {
    const entry = raw[key]
    if (!entry) return fallback
    try {
      return parseDurationSeconds(entry.value)
    } catch (error) {
      throw new Error(`${entry.source}: ${(error as Error).message}`)
    }
  }
  const settings: TokenServiceSettings = {
    tokenTtlSeconds: duration('tokenTtl', TOKEN_SERVICE_DEFAULTS.tokenTtlSeconds),
    linkTtlSeconds: duration('linkTtl', TOKEN_SERVICE_DEFAULTS.linkTtlSeconds),
    linkMaxTtlSeconds: duration('linkMaxTtl', TOKEN_SERVICE_DEFAULTS.linkMaxTtlSeconds),
  }
  if (settings.linkTtlSeconds > settings.linkMaxTtlSeconds) {
    throw new Error('the default share link lifetime (LECTERN_LINK_TTL) is longer than the maximum (LECTERN_LINK_MAX_TTL)')
  }
  const adminToken = env.LECTERN_ADMIN_TOKEN
  if (adminToken !== undefined && adminToken !== '') settings.adminToken = adminToken
  const jwksUrl = raw.jwksUrl?.value
  const jwksFile = raw.jwksFile?.value
  if (jwksUrl !== undefined || jwksFile !== undefined) {
    if (jwksUrl !== undefined && jwksFile !== undefined) {
      throw new Error('give the identity provider keys as a JWKS URL or a JWKS file, not both')
    }
    const issuer = raw.issuer?.value
    const audience = raw.audience?.value
    if (issuer === undefined || audience === undefined) {
      throw new Error('an identity provider needs LECTERN_IDENTITY_ISSUER and LECTERN_IDENTITY_AUDIENCE (or their flags)')
    }
    settings.identity = {
      issuer,
      audience,
      userClaim: raw.userClaim?.value ?? 'sub',
      groupsClaim: raw.groupsClaim?.value ?? 'groups',
      clockToleranceSeconds,
      ...(jwksUrl !== undefined ? { jwksUrl } : { jwksFile: jwksFile! }),
    }
  }
  return settings
}
