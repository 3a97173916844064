/**
 * Tokens refused recently, so their next attempts are refused at the HTTP level.
 *
 * A refusal is sent as a close code after a completed handshake, because browsers cannot read an
 * HTTP status but do see close codes (and y-websocket ≥ 3.1 stops on 4401/4403). y-websocket 1.5.4,
 * which JupyterLab ships, resets its backoff on every open and so reconnects about ten times a
 * second forever. The second attempt with the same token for the same room within the memory window
 * is answered 401/403 without the upgrade: the connection never opens, and 1.5.4 backs off
 * exponentially (up to 2.5 s). The first refusal keeps its close code.
 */
import { createHash } from 'node:crypto'
import { CloseCode } from '../../protocol/close-codes.js'

/** How long a refused token is answered at the HTTP level. */
export const REFUSED_TOKEN_MEMORY_MS = 60_000
/** Entries kept at most; the oldest go first. */
const MAX_REMEMBERED = 10_000

export interface HttpRefusal {
  status: 401 | 403
  reason: string
}

export class RefusedTokens {
  /** Oldest first: every entry lives as long, so expiry only ever removes from the front. */
  private readonly refused = new Map<string, HttpRefusal & { until: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Remembers a refusal of `token` for `room` with a close code; only token refusals are kept. */
  remember(room: string, token: string | null, code: number, reason: string): void {
    if (!token) return
    const status = code === CloseCode.unauthorized ? 401 : code === CloseCode.forbidden ? 403 : null
    if (status === null) return
    const key = keyOf(room, token)
    this.refused.delete(key)
    this.refused.set(key, { status, reason, until: this.now() + REFUSED_TOKEN_MEMORY_MS })
    if (this.refused.size > MAX_REMEMBERED) this.refused.delete(this.refused.keys().next().value!)
  }

  /** The HTTP answer for a token refused recently, or null. */
  recall(room: string, token: string | null): HttpRefusal | null {
    if (!token || this.refused.size === 0) return null
    const now = this.now()
    for (const [key, entry] of this.refused) {
      if (entry.until > now) break
      this.refused.delete(key)
    }
    const entry = this.refused.get(keyOf(room, token))
    return entry ? { status: entry.status, reason: entry.reason } : null
  }
}

function keyOf(room: string, token: string): string {
  return createHash('sha256').update(room).update('\n').update(token).digest('base64')
}
