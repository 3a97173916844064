/**
 * A token bucket over frames and bytes. When a session overdraws it, the caller stops reading the
 * session's socket for the returned time instead of dropping frames: writes are slowed, never lost.
 */
export interface RateLimits {
  framesPerSecond: number
  framesBurst: number
  bytesPerSecond: number
  bytesBurst: number
}

export class InboundRateLimiter {
  private frames: number
  private bytes: number
  private refilledAt: number

  constructor(private readonly limits: RateLimits) {
    this.frames = limits.framesBurst
    this.bytes = limits.bytesBurst
    this.refilledAt = performance.now()
  }

  /** Takes one frame of `size` bytes; returns 0, or the milliseconds to pause reading. */
  take(size: number): number {
    const now = performance.now()
    const elapsed = (now - this.refilledAt) / 1000
    this.refilledAt = now
    const { framesPerSecond, framesBurst, bytesPerSecond, bytesBurst } = this.limits
    this.frames = Math.min(framesBurst, this.frames + elapsed * framesPerSecond) - 1
    this.bytes = Math.min(bytesBurst, this.bytes + elapsed * bytesPerSecond) - size
    if (this.frames >= 0 && this.bytes >= 0) return 0
    const frameWait = this.frames < 0 ? -this.frames / framesPerSecond : 0
    const byteWait = this.bytes < 0 ? -this.bytes / bytesPerSecond : 0
    return Math.ceil(Math.max(frameWait, byteWait) * 1000)
  }
}
