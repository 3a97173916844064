/**
 * Validation of API request bodies. A bad body is answered with 400 and the first thing wrong
 * with it, named by field; unknown fields are refused too, so a typo never passes silently.
 */
import { hasUnprintable } from '../../auth/display-text.js'
import { isGrantScope, type GrantScope } from '../../auth/grants.js'
import { ServiceError } from '../../auth/service/errors.js'
import type { GrantRequest, NewLink } from '../../protocol/api-types.js'

type Fields = Record<string, unknown>

function invalid(message: string): ServiceError {
  return new ServiceError(400, 'invalid_body', message)
}

/** The body as an object holding only `allowed` fields; no body counts as `{}`. */
function objectWith(body: unknown, allowed: readonly string[]): Fields {
  if (body === undefined) return {}
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON object')
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) throw invalid(`unknown field ${unknown.map((key) => `"${key}"`).join(', ')}; allowed: ${allowed.join(', ')}`)
  return body as Fields
}

function scopeField(fields: Fields, name: string): GrantScope {
  const value = fields[name]
  if (!isGrantScope(value)) throw invalid(`"${name}" must be "read", "write" or "admin"`)
  return value
}

function positiveIntegerField(fields: Fields, name: string): number | undefined {
  const value = fields[name]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw invalid(`"${name}" must be a positive integer`)
  return value
}

function textField(fields: Fields, name: string, maxLength: number): string | undefined {
  const value = fields[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength) {
    throw invalid(`"${name}" must be a non-empty string of at most ${maxLength} characters`)
  }
  if (hasUnprintable(value)) throw invalid(`"${name}" must not contain control characters or direction overrides`)
  return value.trim()
}

export function newLinkBody(body: unknown): NewLink {
  const fields = objectWith(body, ['scope', 'expiresInSeconds', 'maxUses', 'label'])
  const request: NewLink = { scope: scopeField(fields, 'scope') }
  const expiresInSeconds = positiveIntegerField(fields, 'expiresInSeconds')
  if (expiresInSeconds !== undefined) request.expiresInSeconds = expiresInSeconds
  // null says "no limit" explicitly, as in the link listing.
  if (fields.maxUses !== null) {
    const maxUses = positiveIntegerField(fields, 'maxUses')
    if (maxUses !== undefined) request.maxUses = maxUses
  }
  const label = textField(fields, 'label', 200)
  if (label !== undefined) request.label = label
  return request
}

export function redeemBody(body: unknown): { code: string; displayName?: string } {
  const fields = objectWith(body, ['code', 'displayName'])
  const code = textField(fields, 'code', 256)
  if (code === undefined) throw invalid('"code" is required')
  const displayName = textField(fields, 'displayName', 64)
  return displayName === undefined ? { code } : { code, displayName }
}

export function grantBody(body: unknown): GrantRequest {
  const fields = objectWith(body, ['scope', 'expiresInSeconds', 'then'])
  const request: GrantRequest = { scope: scopeField(fields, 'scope') }
  const expiresInSeconds = positiveIntegerField(fields, 'expiresInSeconds')
  if (expiresInSeconds !== undefined) request.expiresInSeconds = expiresInSeconds
  if (fields.then !== undefined) {
    if (expiresInSeconds === undefined) throw invalid('"then" needs "expiresInSeconds": it says what happens when a timed change ends')
    if (fields.then !== 'revert' && fields.then !== 'revoke') throw invalid('"then" must be "revert" or "revoke"')
    request.then = fields.then
  }
  return request
}

export function newRoomBody(body: unknown): string | undefined {
  return textField(objectWith(body, ['label']), 'label', 200)
}

export function rotateBody(body: unknown): number | undefined {
  return positiveIntegerField(objectWith(body, ['graceSeconds']), 'graceSeconds')
}

export function emptyBody(body: unknown): void {
  objectWith(body, [])
}

/** `?endSessions=` on a link revocation: true unless the caller says false. */
export function endSessionsQuery(query: URLSearchParams): boolean {
  const value = query.get('endSessions')
  if (value === null || value === 'true') return true
  if (value === 'false') return false
  throw new ServiceError(400, 'invalid_query', '"endSessions" must be true or false')
}
