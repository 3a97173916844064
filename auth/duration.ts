/**
 * Parses durations such as `250ms`, `30s`, `10m`, `1h`, `7d` (a bare number is seconds). Token and
 * link lifetimes are whole seconds (JWT times are), so `parseDurationSeconds` rounds up.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseDurationMs(text: string): number {
  const match = /^(\d+)\s*(ms|[smhd]?)$/.exec(text.trim())
  if (!match) {
    throw new Error(`invalid duration "${text}": expected a number followed by ms, s, m, h or d (e.g. 250ms, 30s, 10m, 1h, 7d)`)
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] || 's']!
  if (ms <= 0) throw new Error(`invalid duration "${text}": must be greater than zero`)
  return ms
}

export function parseDurationSeconds(text: string): number {
  return Math.ceil(parseDurationMs(text) / 1000)
}
