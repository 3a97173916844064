/** Parses durations such as `30s`, `10m`, `1h`, `7d` (a bare number is seconds). */

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

export function parseDurationSeconds(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim())
  if (!match) {
    throw new Error(`invalid duration "${text}": expected a number followed by s, m, h or d (e.g. 30s, 10m, 1h, 7d)`)
  }
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's']!
  if (seconds <= 0) throw new Error(`invalid duration "${text}": must be greater than zero`)
  return seconds
}
