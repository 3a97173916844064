/** What every scenario gets: how to reach the server, how to speak to it, how to mint tokens. */
import type { Minter } from './tokens.js'
import type { Wire } from './wire.js'

export interface RunContext {
  /** ws://127.0.0.1:PORT */
  url: string
  wire: Wire
  mint: Minter
}

/** A scenario may take this long to open its sessions before it is called failed. */
export const CONNECT_DEADLINE_MS = 120_000
/** Pause after the sessions are open, so handshake traffic does not leak into a measurement. */
export const SETTLE_MS = 500

/**
 * How long a lagging server may take to deliver its backlog after the last edit was sent: as long
 * as the sending took, at least 10 s. What has not arrived by then counts as never delivered.
 */
export function drainTimeoutMs(sendingSeconds: number): number {
  return Math.max(10_000, sendingSeconds * 1000)
}

/** Indexes of `sample` items spread evenly over `count`: receivers that also keep a document. */
export function spreadSample(count: number, sample: number): Set<number> {
  const picked = new Set<number>()
  const taken = Math.min(count, sample)
  for (let i = 0; i < taken; i++) picked.add(Math.floor((i * count) / taken))
  return picked
}

/** Mints `count` tokens, room and scope given per index. */
export function mintMany(
  mint: Minter,
  count: number,
  roomOf: (index: number) => string,
  scope: 'read' | 'write',
): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => mint(roomOf(index), scope)))
}
