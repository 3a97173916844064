/**
 * A token bucket over frames and bytes. When a session overdraws it, the caller stops reading the
 * session's socket for the returned time instead of dropping frames: writes are slowed, never lost.
 *
 * There is one bucket per session, so its state is kept in small integers (whole milliseconds,
 * thousandths of a frame, bytes): V8 stores those inline, where fractional numbers would each
 * cost a separate heap object.
 */
export interface RateLimits {
  framesPerSecond: number
  framesBurst: number
  bytesPerSecond: number
  bytesBurst: number
}

/** The largest small integer V8 stores inline; buckets above it are effectively unlimited. */
const INLINE_INTEGER_MAX = 2 ** 31 - 1
const MILLI = 1000

export class InboundRateLimiter {
  /** Thousandths of a frame. */
  private milliFrames: number
  private bytes: number
  /** Whole milliseconds of performance.now(). */
  private refilledAt: number

  constructor(private readonly limits: RateLimits) {
    this.milliFrames = capOf(limits.framesBurst * MILLI)
    this.bytes = capOf(limits.bytesBurst)
    this.refilledAt = Math.floor(performance.now())
  }

  /** Takes one frame of `size` bytes; returns 0, or the milliseconds to pause reading. */
  take(size: number): number {
    const { framesPerSecond, framesBurst, bytesPerSecond, bytesBurst } = this.limits
    const now = Math.floor(performance.now())
    const elapsedMs = now - this.refilledAt
    if (elapsedMs > 0) {
      // Only whole milliseconds are consumed, so no refill is lost to rounding but the sub-byte
      // remainder of each millisecond's byte allowance.
      this.refilledAt = now
      this.milliFrames = Math.min(capOf(framesBurst * MILLI), this.milliFrames + elapsedMs * framesPerSecond)
      this.bytes = Math.min(capOf(bytesBurst), this.bytes + Math.floor((elapsedMs * bytesPerSecond) / MILLI))
    }
    this.milliFrames -= MILLI
    this.bytes -= size
    if (this.milliFrames >= 0 && this.bytes >= 0) return 0
    const frameWait = this.milliFrames < 0 ? -this.milliFrames / framesPerSecond : 0
    const byteWait = this.bytes < 0 ? (-this.bytes * MILLI) / bytesPerSecond : 0
    return Math.ceil(Math.max(frameWait, byteWait))
  }
}

function capOf(value: number): number {
  return Math.min(value, INLINE_INTEGER_MAX)
}
