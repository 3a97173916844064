/**
 * Open-loop sending: event k is due at start + k/rate whatever the server does, so a slow server
 * builds a backlog instead of slowing the sender down. Each event carries its due time, not the
 * time the timer happened to fire, so a late timer is charged to latency rather than hidden.
 */
import { monotonicMicros } from '../clock.js'

const TICK_MS = 1

export function runOpenLoop(total: number, ratePerSecond: number, fire: (index: number, dueMicros: number) => void): Promise<void> {
  const startMicros = monotonicMicros()
  const intervalMicros = 1e6 / ratePerSecond
  let fired = 0
  return new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = monotonicMicros() - startMicros
      const due = Math.min(total, Math.floor(elapsed / intervalMicros) + 1)
      while (fired < due) {
        fire(fired, Math.round(startMicros + fired * intervalMicros))
        fired++
      }
      if (fired >= total) {
        clearInterval(timer)
        resolve()
      }
    }
    const timer = setInterval(tick, TICK_MS)
    tick()
  })
}
