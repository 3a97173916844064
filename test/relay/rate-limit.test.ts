import { afterEach, describe, expect, it, vi } from 'vitest'
import { InboundRateLimiter } from '../../relay/core/rate-limit.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('inbound rate limiter', () => {
  it('allows a burst, then asks for the pause that refills the bucket', () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const limiter = new InboundRateLimiter({ framesPerSecond: 100, framesBurst: 10, bytesPerSecond: 1_000_000, bytesBurst: 1_000_000 })
    for (let i = 0; i < 10; i++) expect(limiter.take(10)).toBe(0)
    // One frame over: 1/100 s to earn it back.
    expect(limiter.take(10)).toBe(10)
    vi.advanceTimersByTime(20)
    expect(limiter.take(10)).toBe(0)
  })

  it('limits bytes as well as frames, and refills at the configured rate', () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const limiter = new InboundRateLimiter({ framesPerSecond: 1000, framesBurst: 1000, bytesPerSecond: 1000, bytesBurst: 1000 })
    expect(limiter.take(1000)).toBe(0)
    expect(limiter.take(500)).toBe(500)
    vi.advanceTimersByTime(500)
    expect(limiter.take(0)).toBe(0)
    // Never more than the burst, however long the session was quiet.
    vi.advanceTimersByTime(60_000)
    expect(limiter.take(1000)).toBe(0)
    expect(limiter.take(1)).toBeGreaterThan(0)
  })
})
