/** A clock a test moves by hand, to see tokens, links and keys expire without waiting for them. */
import type { Clock } from '../../auth/clock.js'

export class ManualClock implements Clock {
  private ms: number

  constructor(start: Date | number = Date.now()) {
    this.ms = typeof start === 'number' ? start : start.getTime()
  }

  now(): Date {
    return new Date(this.ms)
  }

  advance(ms: number): void {
    this.ms += ms
  }
}
