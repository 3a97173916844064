import type { ApiErrorCode } from '../../protocol/api-error.js'
import type { RedeemRefusal } from '../store/access-store.js'

/** A refusal the token service explains to its caller: an HTTP status, a stable code, a sentence. */
export class ServiceError extends Error {
  readonly retryAfterSeconds: number | undefined

  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 429 | 500 | 503,
    /** One of the codes of the README's and openapi.yaml's error tables (one typed union, protocol/api-error.ts). */
    readonly code: ApiErrorCode,
    message: string,
    /** With 429, `retryAfterSeconds`: when the caller may try again (the Retry-After header). */
    options?: ErrorOptions & { retryAfterSeconds?: number },
  ) {
    super(message, options)
    this.name = 'ServiceError'
    this.retryAfterSeconds = options?.retryAfterSeconds
  }
}

const REFUSALS: Record<RedeemRefusal, { status: 404 | 410; message: string }> = {
  unknown_code: { status: 404, message: 'no share link has this code' },
  link_expired: { status: 410, message: 'this share link has expired' },
  link_used_up: { status: 410, message: 'this share link has been used as many times as it allows' },
  link_revoked: { status: 410, message: 'this share link has been revoked' },
}

/** The error a refused redeem answers with. */
export function redeemRefused(refusal: RedeemRefusal): ServiceError {
  const { status, message } = REFUSALS[refusal]
  return new ServiceError(status, refusal, message)
}
