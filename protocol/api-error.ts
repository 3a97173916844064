/**
 * The one error class of the API client: an HTTP status, a typed code, the server's sentence, and
 * the underlying cause for failures that never got an answer.
 */

/** Every `error` code the API answers with (README "HTTP API", openapi.yaml). */
export const API_ERROR_CODES = [
  'invalid_body',
  'invalid_json',
  'invalid_room',
  'invalid_subject',
  'invalid_query',
  'invalid_path',
  'unauthorized',
  'forbidden',
  'no_grant',
  'not_found',
  'unknown_code',
  'method_not_allowed',
  'body_too_large',
  'group_grant',
  'link_expired',
  'link_used_up',
  'link_revoked',
  'rate_limited',
  'identity_unavailable',
  'store_unavailable',
  'internal',
] as const

export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

/**
 * Codes of failures on the caller's side: `network_error` (no answer: the relay is unreachable,
 * CORS, an abort; status 0) and `unexpected_response` (an answer that is not the API's JSON, or
 * an error code this client does not know).
 */
export type ClientErrorCode = 'network_error' | 'unexpected_response'

export type LecternApiErrorCode = ApiErrorCode | ClientErrorCode

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value)
}

export class LecternApiError extends Error {
  override readonly name = 'LecternApiError'

  constructor(
    /** The HTTP status; 0 when no answer came. */
    readonly status: number,
    readonly code: LecternApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
