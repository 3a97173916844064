/**
 * `lectern share|grants|keys ...`: the operator's side of the token service. Output is for people
 * by default and JSON with `--json`. Exit codes: 0 done, 1 refused or failed, 2 usage, 3 the
 * server could not be reached.
 */
import { parseArgs } from 'node:util'
import { parseDurationSeconds } from '../../auth/duration.js'
import { isGrantScope, type GrantScope } from '../../auth/grants.js'
import { ServiceError } from '../../auth/service/errors.js'
import type { NewLinkRequest } from '../../auth/service/token-service.js'
import { chooseBackend, OperationFailed, type AccessOperations } from './access-backend.js'
import { formatTable, plural, shortTime } from './output.js'
import { UsageError } from './usage.js'
import { resolveConfig } from '../config.js'

export const ACCESS_USAGE = `  lectern share create ROOM [--scope read|write|admin] [--expires 24h] [--max-uses N] [--label TEXT]
  lectern share list ROOM
  lectern share revoke ROOM LINK_ID [--keep-sessions]
  lectern grants list ROOM
  lectern grants set ROOM SUBJECT read|write|admin
  lectern grants revoke ROOM SUBJECT
  lectern keys rotate [--grace DURATION]
    each also takes [--data-dir D] [--server URL] [--admin-key-file F] [--redis URL] [--json]`

type Values = Record<string, string | boolean | undefined>

interface Outcome {
  /** What `--json` prints. */
  result: unknown
  /** What a person reads. */
  text: string
}

interface AccessCommand {
  positionals: readonly string[]
  options: Record<string, { type: 'string' | 'boolean' }>
  run(ops: AccessOperations, values: Values, positionals: readonly string[]): Promise<Outcome>
}

const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  server: { type: 'string' },
  'admin-key-file': { type: 'string' },
  redis: { type: 'string' },
  json: { type: 'boolean' },
} as const

const COMMANDS: Record<string, AccessCommand> = {
  'share create': {
    positionals: ['ROOM'],
    options: { scope: { type: 'string' }, expires: { type: 'string' }, 'max-uses': { type: 'string' }, label: { type: 'string' } },
    async run(ops, values, [room]) {
      const request = newLinkRequest(values)
      const { link, code } = await ops.createLink(room!, request)
      const uses = link.maxUses === null ? 'any number of uses' : `at most ${plural(link.maxUses, 'use')}`
      return {
        result: { link, code },
        text:
          `Created share link ${link.id} on room ${link.room}: ${link.scope}, expires ${shortTime(link.expiresAt)}, ${uses}.\n` +
          `Code (shown only now): ${code}\n`,
      }
    },
  },
  'share list': {
    positionals: ['ROOM'],
    options: {},
    async run(ops, _values, [room]) {
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
    },
  },
  'share revoke': {
    positionals: ['ROOM', 'LINK_ID'],
    options: { 'keep-sessions': { type: 'boolean' } },
    async run(ops, values, [room, linkId]) {
      const endSessions = values['keep-sessions'] !== true
      const result = await ops.revokeLink(room!, linkId!, endSessions)
      const consequence = endSessions
        ? `${plural(result.grantsRevoked, 'grant')} taken back, ${plural(result.sessionsEnded, 'session')} ended`
        : 'the grants it gave stay'
      return { result, text: `Revoked share link ${linkId} on room ${room}: ${consequence}.\n` }
    },
  },
  'grants list': {
    positionals: ['ROOM'],
    options: {},
    async run(ops, _values, [room]) {
      const grants = await ops.listGrants(room!)
      const rows = grants.map((grant) => [grant.subject, grant.scope, grant.id, grant.linkId ?? '-', grant.displayName ?? '', shortTime(grant.updatedAt)])
      return { result: { grants }, text: formatTable(['SUBJECT', 'SCOPE', 'GRANT', 'VIA LINK', 'NAME', 'UPDATED'], rows) }
    },
  },
  'grants set': {
    positionals: ['ROOM', 'SUBJECT', 'SCOPE'],
    options: {},
    async run(ops, _values, [room, subject, scope]) {
      const result = await ops.setGrant(room!, subject!, scopeArgument(scope!, 'SCOPE'))
      const text = result.created
        ? `Granted ${result.grant.scope} on room ${room} to ${subject} (grant ${result.grant.id}).\n`
        : `${subject} has ${result.grant.scope} on room ${room}: ${plural(result.sessionsChanged, 'live session')} changed.\n`
      return { result, text }
    },
  },
  'grants revoke': {
    positionals: ['ROOM', 'SUBJECT'],
    options: {},
    async run(ops, _values, [room, subject]) {
      const result = await ops.revokeGrant(room!, subject!)
      return { result, text: `Revoked ${subject}'s grant on room ${room}: ${plural(result.sessionsEnded, 'session')} ended.\n` }
    },
  },
  'keys rotate': {
    positionals: [],
    options: { grace: { type: 'string' } },
    async run(ops, values) {
      const grace = typeof values.grace === 'string' ? durationArgument(values.grace, '--grace') : undefined
      const result = await ops.rotateKeys(grace)
      return {
        result,
        text: `New signing key ${result.keyId}; the previous keys keep verifying for ${result.graceSeconds} s, then are retired.\n`,
      }
    },
  },
}

export function isAccessCommand(group: string | undefined): group is 'share' | 'grants' | 'keys' {
  return group === 'share' || group === 'grants' || group === 'keys'
}

export async function runAccessCommand(group: string, args: readonly string[]): Promise<number> {
  const [verb, ...rest] = args
  const name = `${group} ${verb ?? ''}`.trim()
  const command = COMMANDS[name]
  if (!command) throw new UsageError(`unknown command "lectern ${name}"`)
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...COMMON_OPTIONS, ...command.options },
    allowPositionals: true,
    strict: true,
  })
  if (positionals.length !== command.positionals.length) {
    throw new UsageError(`lectern ${name} takes ${command.positionals.join(' ') || 'no arguments'}`)
  }
  const config = resolveConfig({ 'data-dir': stringValue(values['data-dir']), redis: stringValue(values.redis) })
  let ops: AccessOperations | undefined
  try {
    ops = await chooseBackend(config, stringValue(values.server), stringValue(values['admin-key-file']))
    const { result, text } = await command.run(ops, values, positionals)
    process.stdout.write(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : text)
    return 0
  } catch (error) {
    if (error instanceof ServiceError) {
      process.stderr.write(`lectern: ${error.message} (${error.status} ${error.code})\n`)
      return 1
    }
    if (error instanceof OperationFailed) {
      process.stderr.write(`lectern: ${error.message}\n`)
      return error.exitCode
    }
    throw error
  } finally {
    await ops?.close()
  }
}

function newLinkRequest(values: Values): NewLinkRequest {
  const request: NewLinkRequest = { scope: scopeArgument(stringValue(values.scope) ?? 'read', '--scope') }
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

function scopeArgument(value: string, name: string): GrantScope {
  if (!isGrantScope(value)) throw new UsageError(`${name} must be read, write or admin`)
  return value
}

function durationArgument(value: string, name: string): number {
  try {
    return parseDurationSeconds(value)
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message}`)
  }
}

function stringValue(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}
