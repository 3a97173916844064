import { describe, expect, it } from 'vitest'
import { runFuzz } from '../fuzz/relay-fuzz.js'

/** `npm test` runs a short fuzz; `npm run fuzz` runs a million frames (LECTERN_FUZZ_FRAMES, LECTERN_FUZZ_SEED). */
const FRAMES = Number(process.env.LECTERN_FUZZ_FRAMES ?? 5_000)
const SEED = Number(process.env.LECTERN_FUZZ_SEED ?? 12)

describe('relay fuzz', () => {
  it(
    `${FRAMES} seeded frames (seed ${SEED}): no crash, read-only and refused updates never change a room, honest clients converge, memory bounded`,
    async () => {
      const started = performance.now()
      const progress = (done: { frames: number; violations: string[] }) => {
        if (FRAMES <= 100_000) return
        const seconds = Math.round((performance.now() - started) / 1000)
        console.log(`fuzz: ${done.frames} frames, ${seconds} s, violations: ${JSON.stringify(done.violations)}`)
      }
      const report = await runFuzz(FRAMES, SEED, progress)
      console.log(JSON.stringify({ ...report, seconds: Math.round((performance.now() - started) / 1000) }))
      expect(report.violations).toEqual([])
      expect(report.frames).toBe(FRAMES)
      expect(report.hostileUpdatesRefused).toBeGreaterThan(0)
      expect(report.honestUpdates).toBeGreaterThan(0)
      expect(report.maxHeapMiB).toBeLessThan(1024)
    },
    FRAMES > 100_000 ? 4 * 3600_000 : 300_000,
  )
})
