/**
 * The token service's rows of the settings table (flags of `serve` and `api`, environment
 * variables, defaults) and how they become `TokenServiceSettings`. The admin credential is
 * environment-only: a secret on a command line is visible to every user of the machine.
 */
import { isSubject } from '../auth/grants.js'
import { parseTrustedProxies } from './http/client-address.js'
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
  roomCreators: string | undefined
  redeemRatePerSecond: number
  redeemBurst: number
  trustProxy: string | undefined
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
  roomCreators: undefined,
  redeemRatePerSecond: TOKEN_SERVICE_DEFAULTS.redeemRatePerSecond,
  redeemBurst: TOKEN_SERVICE_DEFAULTS.redeemBurst,
  trustProxy: undefined,
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
  { key: 'roomCreators', flag: 'room-creators', env: 'LECTERN_ROOM_CREATORS', kind: 'text', placeholder: 'SUBJECTS', description: 'who may open rooms of their own (POST /rooms): subjects, comma-separated, e.g. group:staff', defaultText: '(nobody)' },
  { key: 'redeemRatePerSecond', flag: 'redeem-rate', env: 'LECTERN_REDEEM_RATE', kind: 'integer', placeholder: 'N', description: 'anonymous redeems per second per client address (429 with Retry-After past it)' },
  { key: 'redeemBurst', flag: 'redeem-burst', env: 'LECTERN_REDEEM_BURST', kind: 'integer', placeholder: 'N', description: 'anonymous redeems one address may make at once (a class behind one NAT)' },
  { key: 'trustProxy', flag: 'trust-proxy', env: 'LECTERN_TRUST_PROXY', kind: 'text', placeholder: 'ADDRESSES', description: 'load balancers whose X-Forwarded-For names the client address: IPs or CIDR ranges, comma-separated, e.g. 127.0.0.1,10.0.0.0/8', defaultText: '(none: the header is ignored)' },
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
  if (flat.redeemRatePerSecond <= 0 || flat.redeemBurst <= 0) throw new SettingError('--redeem-rate and --redeem-burst must be above 0')
  const settings: TokenServiceSettings = {
    tokenTtlSeconds: flat.tokenTtlSeconds,
    linkTtlSeconds: flat.linkTtlSeconds,
    linkMaxTtlSeconds: flat.linkMaxTtlSeconds,
    redeemRatePerSecond: flat.redeemRatePerSecond,
    redeemBurst: flat.redeemBurst,
  }
  if (flat.adminToken !== undefined) settings.adminToken = flat.adminToken
  if (flat.roomCreators !== undefined) settings.roomCreators = subjectList(flat.roomCreators)
  if (flat.trustProxy !== undefined) settings.trustProxy = proxyList(flat.trustProxy)
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

/** `group:staff, user:ada` as subjects; anything else is refused at start, naming it. */
function subjectList(text: string): string[] {
  const subjects = commaList(text)
  const wrong = subjects.find((subject) => !isSubject(subject))
  if (wrong !== undefined) throw new SettingError(`--room-creators: "${wrong}" is not a subject (user:NAME or group:NAME)`)
  return subjects
}

/** `127.0.0.1, 10.0.0.0/8` checked at start, so a typo is refused rather than trusting nobody. */
function proxyList(text: string): string[] {
  const entries = commaList(text)
  try {
    parseTrustedProxies(entries)
  } catch (error) {
    throw new SettingError(`--trust-proxy: ${(error as Error).message}`, { cause: error })
  }
  return entries
}

function commaList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '')
}
