/**
 * The token service's rows of the settings table (flags of `serve` and `api`, environment
 * variables, defaults) and how they become `TokenServiceSettings`. The admin credential is
 * environment-only: a secret on a command line is visible to every user of the machine.
 */
import { TOKEN_SERVICE_DEFAULTS, type TokenServiceSettings } from '../auth/service/settings.js'
import { resolveSettings, SettingError, settingRows, type Setting } from './settings.js'

interface FlatSettings {
  tokenTtlSeconds: number
  linkTtlSeconds: number
  linkMaxTtlSeconds: number
  jwksUrl: string | undefined
  jwksFile: string | undefined
  issuer: string | undefined
  audience: string | undefined
  userClaim: string
  groupsClaim: string
  adminToken: string | undefined
}

const FLAT_DEFAULTS: FlatSettings = {
  tokenTtlSeconds: TOKEN_SERVICE_DEFAULTS.tokenTtlSeconds,
  linkTtlSeconds: TOKEN_SERVICE_DEFAULTS.linkTtlSeconds,
  linkMaxTtlSeconds: TOKEN_SERVICE_DEFAULTS.linkMaxTtlSeconds,
  jwksUrl: undefined,
  jwksFile: undefined,
  issuer: undefined,
  audience: undefined,
  userClaim: 'sub',
  groupsClaim: 'groups',
  adminToken: undefined,
}

/** Every token service setting: `--help` and the README's token service table show these rows. */
export const TOKEN_SERVICE_SETTINGS: ReadonlyArray<Setting<keyof FlatSettings>> = [
  { key: 'tokenTtlSeconds', flag: 'token-ttl', env: 'LECTERN_TOKEN_TTL', kind: 'seconds', placeholder: 'DURATION', description: 'lifetime of a room token from the API' },
  { key: 'linkTtlSeconds', flag: 'link-ttl', env: 'LECTERN_LINK_TTL', kind: 'seconds', placeholder: 'DURATION', description: 'lifetime of a share link whose creator does not say' },
  { key: 'linkMaxTtlSeconds', flag: 'link-max-ttl', env: 'LECTERN_LINK_MAX_TTL', kind: 'seconds', placeholder: 'DURATION', description: 'the longest lifetime a share link may have' },
  { key: 'jwksUrl', flag: 'identity-jwks-url', env: 'LECTERN_IDENTITY_JWKS_URL', kind: 'text', placeholder: 'URL', description: "the identity provider's keys (JWKS URL)", defaultText: '(none: no identity provider)' },
  { key: 'jwksFile', flag: 'identity-jwks-file', env: 'LECTERN_IDENTITY_JWKS_FILE', kind: 'text', placeholder: 'FILE', description: "the identity provider's keys (JWKS file)" },
  { key: 'issuer', flag: 'identity-issuer', env: 'LECTERN_IDENTITY_ISSUER', kind: 'text', placeholder: 'ISS', description: 'the iss claim of identity JWTs', defaultText: 'required with a JWKS' },
  { key: 'audience', flag: 'identity-audience', env: 'LECTERN_IDENTITY_AUDIENCE', kind: 'text', placeholder: 'AUD', description: 'the aud claim of identity JWTs', defaultText: 'required with a JWKS' },
  { key: 'userClaim', flag: 'identity-user-claim', env: 'LECTERN_IDENTITY_USER_CLAIM', kind: 'text', placeholder: 'CLAIM', description: 'the identity JWT claim naming the user' },
  { key: 'groupsClaim', flag: 'identity-groups-claim', env: 'LECTERN_IDENTITY_GROUPS_CLAIM', kind: 'text', placeholder: 'CLAIM', description: "the identity JWT claim listing the user's groups" },
  { key: 'adminToken', env: 'LECTERN_ADMIN_TOKEN', kind: 'text', placeholder: 'KEY', description: 'the server admin credential (at least 24 characters)', defaultText: 'DATA_DIR/admin.key' },
]

/** flag > environment > default, then the identity provider settings checked as a whole. */
export function resolveTokenServiceSettings(
  flags: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  clockToleranceSeconds: number,
): TokenServiceSettings {
  const flat = resolveSettings(TOKEN_SERVICE_SETTINGS, FLAT_DEFAULTS, flags, env)
  if (flat.linkTtlSeconds > flat.linkMaxTtlSeconds) {
    throw new SettingError('the default share link lifetime (LECTERN_LINK_TTL) is longer than the maximum (LECTERN_LINK_MAX_TTL)')
  }
  const settings: TokenServiceSettings = {
    tokenTtlSeconds: flat.tokenTtlSeconds,
    linkTtlSeconds: flat.linkTtlSeconds,
    linkMaxTtlSeconds: flat.linkMaxTtlSeconds,
  }
  if (flat.adminToken !== undefined) settings.adminToken = flat.adminToken
  const { jwksUrl, jwksFile, issuer, audience } = flat
  if (jwksUrl === undefined && jwksFile === undefined) return settings
  if (jwksUrl !== undefined && jwksFile !== undefined) {
    throw new SettingError('give the identity provider keys as a JWKS URL or a JWKS file, not both')
  }
  if (issuer === undefined || audience === undefined) {
    throw new SettingError('an identity provider needs LECTERN_IDENTITY_ISSUER and LECTERN_IDENTITY_AUDIENCE (or their flags)')
  }
  settings.identity = {
    issuer,
    audience,
    userClaim: flat.userClaim,
    groupsClaim: flat.groupsClaim,
    clockToleranceSeconds,
    ...(jwksUrl !== undefined ? { jwksUrl } : { jwksFile: jwksFile! }),
  }
  return settings
}

/** The token service's rows of `serve --help` and of the README's token service settings table. */
export const TOKEN_SERVICE_FLAG_ROWS = settingRows(TOKEN_SERVICE_SETTINGS, FLAT_DEFAULTS)
