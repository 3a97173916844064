/** Timing a live access change from the API request until the relay side, and the clients, show it. */
import { sleep } from './relay-fixture.js'

export interface Measured {
  relayMs: number
  clientsMs: number
}

/** Polls every millisecond, so the figures are not rounded up to a coarse polling interval. */
export async function timed(change: () => Promise<unknown>, relayDone: () => boolean, clientsDone: () => boolean): Promise<Measured> {
  const started = performance.now()
  const request = change()
  let relayMs: number | undefined
  while (performance.now() - started < 10_000) {
    if (relayMs === undefined && relayDone()) relayMs = performance.now() - started
    if (relayMs !== undefined && clientsDone()) {
      const clientsMs = performance.now() - started
      await request
      return { relayMs, clientsMs }
    }
    await sleep(1)
  }
  throw new Error(`timed out: relay ${relayMs === undefined ? 'not done' : 'done'}, clients not done`)
}

export function formatMeasured({ relayMs, clientsMs }: Measured): string {
  return `${relayMs.toFixed(1)} ms (relay) / ${clientsMs.toFixed(1)} ms (clients)`
}
