/**
 * `lectern share|grants|keys ...`: the operator's side of the token service. Output is for people
 * by default and JSON with `--json`. Exit codes: 0 done, 1 refused or failed, 2 usage, 3 the
 * server could not be reached.
 */
import { parseDurationSeconds } from '../../auth/duration.js'
import { isGrantScope, type GrantScope } from '../../auth/grants.js'
import type { GrantRequest, NewLink } from '../../protocol/api-types.js'
import type { FlagRow } from '../settings.js'
import { chooseBackend, type AccessOperations } from './access-backend.js'
import { JSON_FLAG, type Command, type FlagValues } from './command.js'
import { DATA_DIR_FLAG, REDIS_FLAG } from './data-dir.js'
import { formatTable, plural, shortTime } from './output.js'
import { UsageError } from './usage.js'

interface Outcome {
  /** What `--json` prints. */
  result: unknown
  /** What a person reads. */
  text: string
}

interface AccessCommand {
  positionals: readonly string[]
  summary: string
  flags: readonly FlagRow[]
  /** Checks the arguments (a usage error comes before any data directory or server is looked for), then says what to do. */
  plan(values: FlagValues, positionals: readonly string[]): (ops: AccessOperations) => Promise<Outcome>
}

const COMMON_FLAGS: readonly FlagRow[] = [
  DATA_DIR_FLAG,
  { flag: 'server', placeholder: 'URL', description: "a running server's http://HOST:PORT; default: the one running on the data directory" },
  { flag: 'admin-key-file', placeholder: 'FILE', default: 'DATA_DIR/admin.key', description: 'the server admin key, unless LECTERN_ADMIN_TOKEN is set' },
  REDIS_FLAG,
  JSON_FLAG,
]

const COMMANDS: Record<string, AccessCommand> = {
  'share create': {
    positionals: ['ROOM'],
    summary: 'Creates a share link on ROOM and prints its code, once.',
    flags: [
      { flag: 'scope', placeholder: 'read|write|admin', default: 'read', description: 'what the link grants' },
      { flag: 'expires', placeholder: 'DURATION', default: "the server's --link-ttl", description: 'how long the link can be redeemed' },
      { flag: 'max-uses', placeholder: 'N', default: 'no limit', description: 'how many redeems the link allows' },
      { flag: 'label', placeholder: 'TEXT', description: 'a note for the link listing' },
    ],
    plan(values, [room]) {
      const request = newLinkRequest(values)
      return async (ops) => {
        const { link, code } = await ops.createLink(room!, request)
        const uses = link.maxUses === null ? 'any number of uses' : `at most ${plural(link.maxUses, 'use')}`
        return {
          result: { link, code },
          text:
            `Created share link ${link.id} on room ${link.room}: ${link.scope}, expires ${shortTime(link.expiresAt)}, ${uses}.\n` +
            `Code (shown only now): ${code}\n`,
        }
      }
    },
  },
  'share list': {
    positionals: ['ROOM'],
    summary: "Lists ROOM's share links with their status and uses.",
    flags: [],
    plan(_values, [room]) {
      return async (ops) => {
        const links = await ops.listLinks(room!)
        const rows = links.map((link) => [
          link.id,
          link.scope,
          link.status,
          link.maxUses === null ? `${link.uses}` : `${link.uses}/${link.maxUses}`,
          shortTime(link.expiresAt),
          link.label ?? '',
        ])
        return { result: { links }, text: formatTable(['LINK', 'SCOPE', 'STATUS', 'USES', 'EXPIRES', 'LABEL'], rows) }
      }
    },
  },
  'share revoke': {
    positionals: ['ROOM', 'LINK_ID'],
    summary: 'Revokes a share link, and by default the grants it gave, ending their sessions.',
    flags: [{ flag: 'keep-sessions', description: 'keep the grants the link gave, and their sessions' }],
    plan(values, [room, linkId]) {
      const endSessions = values['keep-sessions'] !== true
      return async (ops) => {
        const result = await ops.revokeLink(room!, linkId!, endSessions)
        const consequence = endSessions
          ? `${plural(result.grantsRevoked, 'grant')} taken back, ${plural(result.sessionsEnded, 'session')} ended`
          : 'the grants it gave stay'
        return { result, text: `Revoked share link ${linkId} on room ${room}: ${consequence}.\n` }
      }
    },
  },
  'grants list': {
    positionals: ['ROOM'],
    summary: "Lists ROOM's grants (and those of the prefixes above it): subject, scope, until when, the link it came through, display name.",
    flags: [],
    plan(_values, [room]) {
      return async (ops) => {
        const grants = await ops.listGrants(room!)
        const rows = grants.map((grant) => [
          grant.subject,
          grant.room === room ? grant.scope : `${grant.scope} (${grant.room})`,
          grant.until === undefined ? '-' : `${shortTime(grant.until)} → ${grant.then}`,
          grant.id,
          grant.linkId ?? '-',
          grant.displayName ?? '',
          shortTime(grant.updatedAt),
        ])
        return { result: { grants }, text: formatTable(['SUBJECT', 'SCOPE', 'UNTIL', 'GRANT', 'VIA LINK', 'NAME', 'UPDATED'], rows) }
      }
    },
  },
  'grants set': {
    positionals: ['ROOM', 'SUBJECT', 'SCOPE'],
    summary: 'Gives SUBJECT (user:NAME or group:NAME) read, write or admin on ROOM (or a prefix, ROOM/*); live sessions follow at once.',
    flags: [
      { flag: 'for', placeholder: 'DURATION', description: 'a timed change: it lasts this long (5m, 1h), then --then happens' },
      { flag: 'then', placeholder: 'revert|revoke', default: 'revert (revoke for a new grant)', description: 'what happens when a timed change ends' },
    ],
    plan(values, [room, subject, scope]) {
      const request = grantRequest(scope!, values)
      return async (ops) => {
        const result = await ops.setGrant(room!, subject!, request)
        const { grant } = result
        const timed = grant.until === undefined ? '' : ` until ${shortTime(grant.until)}, then ${grant.then === 'revoke' ? 'revoked' : grant.then}`
        const text = result.created
          ? `Granted ${grant.scope}${timed} on room ${room} to ${subject} (grant ${grant.id}).\n`
          : `${subject} has ${grant.scope}${timed} on room ${room}: ${plural(result.sessionsChanged, 'live session')} changed.\n`
        return { result, text }
      }
    },
  },
  'grants revoke': {
    positionals: ['ROOM', 'SUBJECT'],
    summary: "Revokes SUBJECT's grant on ROOM; its sessions end with 4403.",
    flags: [],
    plan(_values, [room, subject]) {
      return async (ops) => {
        const result = await ops.revokeGrant(room!, subject!)
        return { result, text: `Revoked ${subject}'s grant on room ${room}: ${plural(result.sessionsEnded, 'session')} ended.\n` }
      }
    },
  },
  'keys rotate': {
    positionals: [],
    summary: 'Makes a new signing key; the previous ones keep verifying for the grace period.',
    flags: [{ flag: 'grace', placeholder: 'DURATION', default: 'token TTL + clock tolerance', description: 'how long the previous keys keep verifying' }],
    plan(values) {
      const grace = typeof values.grace === 'string' ? durationArgument(values.grace, '--grace') : undefined
      return async (ops) => {
        const result = await ops.rotateKeys(grace)
        return {
          result,
          text: `New signing key ${result.keyId}; the previous keys keep verifying for ${result.graceSeconds} s, then are retired.\n`,
        }
      }
    },
  },
}

/** Every access command, with the flags they all share. */
export const ACCESS_COMMANDS: readonly Command[] = Object.entries(COMMANDS).map(([name, command]) => ({
  name,
  positionals: command.positionals,
  summary: command.summary,
  flags: [...command.flags, ...COMMON_FLAGS],
  async run({ values, positionals }) {
    const act = command.plan(values, positionals)
    const ops = await chooseBackend(values)
    try {
      const { result, text } = await act(ops)
      process.stdout.write(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : text)
      return 0
    } finally {
      await ops.close()
    }
  },
}))

function newLinkRequest(values: FlagValues): NewLink {
  const request: NewLink = { scope: scopeArgument(stringValue(values.scope) ?? 'read', '--scope') }
  const expires = stringValue(values.expires)
  if (expires !== undefined) request.expiresInSeconds = durationArgument(expires, '--expires')
  const maxUses = stringValue(values['max-uses'])
  if (maxUses !== undefined) {
    const parsed = Number(maxUses)
    if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new UsageError('--max-uses must be a positive integer')
    request.maxUses = parsed
  }
  const label = stringValue(values.label)
  if (label !== undefined) request.label = label
  return request
}

function grantRequest(scope: string, values: FlagValues): GrantRequest {
  const request: GrantRequest = { scope: scopeArgument(scope, 'SCOPE') }
  const lasting = stringValue(values.for)
  const then = stringValue(values.then)
  if (lasting !== undefined) request.expiresInSeconds = durationArgument(lasting, '--for')
  if (then !== undefined) {
    if (lasting === undefined) throw new UsageError('--then needs --for: it says what happens when the timed change ends')
    if (then !== 'revert' && then !== 'revoke') throw new UsageError('--then must be revert or revoke')
    request.then = then
  }
  return request
}

function scopeArgument(value: string, name: string): GrantScope {
  if (!isGrantScope(value)) throw new UsageError(`${name} must be read, write or admin`)
  return value
}

function durationArgument(value: string, name: string): number {
  try {
    return parseDurationSeconds(value)
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message}`, { cause: error })
  }
}

function stringValue(value: FlagValues[string]): string | undefined {
  return typeof value === 'string' ? value : undefined
}
