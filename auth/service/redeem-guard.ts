/**
 * Keeps anonymous redeems from being a cheap flood. Each client address has a token bucket
 * (`--redeem-rate` per second, `--redeem-burst` at once: a classroom behind one NAT redeeming
 * together fits in the burst); past it the answer is 429 with Retry-After. Refused redeems are
 * audited one line each up to a threshold per minute; beyond it they are only counted, and the
 * count is written as one line when the minute is over, so guessing codes cannot fill the disk.
 */
import type { AuditEvent } from '../audit.js'
import { ServiceError } from './errors.js'

/** Refused redeems audited one line each per minute, across all callers. */
export const REFUSALS_AUDITED_PER_MINUTE = 20
const MINUTE_MS = 60_000
/** Buckets kept before full (idle) ones are dropped, so many addresses cannot grow memory for ever. */
const MAX_BUCKETS = 10_000

interface Bucket {
  tokens: number
  at: number
}

export class RedeemGuard {
  private readonly buckets = new Map<string, Bucket>()
  private windowStart = 0
  private refusedInWindow = 0

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one redeem from the address's bucket, or refuses with 429 and when to try again. */
  admit(address: string): void {
    const at = this.now()
    const bucket = this.buckets.get(address) ?? { tokens: this.burst, at }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.ratePerSecond)
    bucket.at = at
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / this.ratePerSecond)
      throw new ServiceError(429, 'rate_limited', `too many redeems from your address: try again in ${retryAfterSeconds} s`, { retryAfterSeconds })
    }
    bucket.tokens -= 1
    this.buckets.set(address, bucket)
    if (this.buckets.size > MAX_BUCKETS) this.dropFullBuckets(at)
  }

  /**
   * What to audit for a refused redeem: the event itself while under the threshold, nothing past
   * it, and at the first refusal of a new minute a line counting the ones left out before it.
   */
  auditRefusal(event: AuditEvent): AuditEvent[] {
    const at = this.now()
    const events: AuditEvent[] = []
    if (at - this.windowStart >= MINUTE_MS) {
      const leftOut = this.refusedInWindow - REFUSALS_AUDITED_PER_MINUTE
      if (leftOut > 0) events.push({ action: 'link.redeem_refused', actor: 'anonymous', reason: 'not_logged_one_by_one', count: leftOut })
      this.windowStart = at
      this.refusedInWindow = 0
    }
    this.refusedInWindow++
    if (this.refusedInWindow <= REFUSALS_AUDITED_PER_MINUTE) events.push(event)
    return events
  }

  private dropFullBuckets(at: number): void {
    for (const [address, bucket] of this.buckets) {
      if (bucket.tokens + ((at - bucket.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(address)
    }
  }
}
