/**
 * Keeps anonymous redeems from being a cheap flood. Each client address has a token bucket
 * (`--redeem-rate` per second, `--redeem-burst` at once: a classroom behind one NAT redeeming
 * together fits in the burst); past it the answer is 429 with Retry-After. Refused redeems are
 * audited one line each up to a threshold per minute; beyond it they are only counted, and the
 * count is written as one line when the minute is over, so guessing codes cannot fill the disk.
 * An IPv6 client counts by its /64: a host is usually handed a whole /64, and could otherwise
 * take a fresh address (and a fresh bucket) for every redeem.
 */
import { isIP } from 'node:net'
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
    const client = clientNetwork(address)
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.ratePerSecond)
    bucket.at = at
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / this.ratePerSecond)
      throw new ServiceError(429, 'rate_limited', `too many redeems from your address: try again in ${retryAfterSeconds} s`, { retryAfterSeconds })
    }
    bucket.tokens -= 1
    this.buckets.set(client, bucket)
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

/** What one client is for the limit: an IPv4 address as it is, an IPv6 address as its /64. */
export function clientNetwork(address: string): string {
  if (isIP(address) !== 6) return address
  const groups = expandIPv6(address)
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address (`::` filled in, a dotted IPv4 tail split in two). */
function expandIPv6(address: string): number[] {
  const [headText = '', tailText] = address.split('::')
  const groupsOf = (text: string): number[] =>
    text === ''
      ? []
      : text.split(':').flatMap((part) => {
          if (!part.includes('.')) return [parseInt(part, 16)]
          const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number)
          return [(a << 8) | b, (c << 8) | d]
        })
  const head = groupsOf(headText)
  const tail = tailText === undefined ? [] : groupsOf(tailText)
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
}
