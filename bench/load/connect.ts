/** Opening many sessions with a bounded number of handshakes in flight, within a deadline. */
import type { BenchSession } from './session.js'

/** Handshakes in flight at once: enough to keep the server busy, few enough not to time out. */
export const HANDSHAKE_CONCURRENCY = 64

export async function openAll<T>(
  count: number,
  open: (index: number) => T,
  sessionOf: (item: T) => BenchSession,
  deadlineMs: number,
): Promise<T[]> {
  const items: T[] = new Array(count)
  let next = 0
  const deadline = Date.now() + deadlineMs
  const lane = async () => {
    while (next < count) {
      if (Date.now() > deadline) throw new Error(`opened only ${next} of ${count} sessions within ${deadlineMs} ms`)
      const index = next++
      const item = open(index)
      items[index] = item
      await sessionOf(item).ready
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(HANDSHAKE_CONCURRENCY, count) }, lane))
  } catch (error) {
    for (const item of items) if (item !== undefined) sessionOf(item).close()
    throw error
  }
  return items
}
