/**
 * A token bucket for the budgets a session draws on beside its inbound rate (document work,
 * awareness). Created on first use, so the many sessions that never spend from a budget cost
 * nothing for it.
 */
export interface BucketLimits {
  perSecond: number
  burst: number
}

export class TokenBucket {
  private tokens: number
  private refilledAt: number

  constructor(
    private readonly limits: BucketLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limits.burst
    this.refilledAt = now()
  }

  private refill(): void {
    const now = this.now()
    const elapsedMs = now - this.refilledAt
    if (elapsedMs <= 0) return
    this.refilledAt = now
    this.tokens = Math.min(this.limits.burst, this.tokens + (elapsedMs * this.limits.perSecond) / 1000)
  }

  /** Takes `amount`, going into debt if needed; returns the milliseconds until the debt is paid (0 if none). */
  take(amount: number): number {
    this.refill()
    this.tokens -= amount
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.limits.perSecond)
  }

  /** Takes `amount` only if the bucket holds it; returns false, taking nothing, otherwise. */
  tryTake(amount: number): boolean {
    this.refill()
    if (this.tokens < amount) return false
    this.tokens -= amount
    return true
  }

  /** The milliseconds until the bucket is out of debt (0 if it is not in debt). */
  debtMs(): number {
    this.refill()
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.limits.perSecond)
  }
}
