/**
 * The time the token service and the key ring go by. Injected so tests can move it forward to see
 * a link or token expire, instead of sleeping on the real clock.
 */
export interface Clock {
  now(): Date
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() }

/** Whole seconds since the epoch, as JWT claims and key retirement count them. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000)
}
