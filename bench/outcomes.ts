/** Looking up measurements across runs: one server's value, the better peer's, the bare server's. */
import type { RunOutcome } from './run-one.js'
import type { ServerKind } from './spec.js'

/** The established relays Lectern is compared with; `bare-ws` is the ceiling, not a peer. */
export const PEERS: ReadonlyArray<ServerKind> = ['y-websocket-server', 'hocuspocus']

export type Better = 'lower' | 'higher'

export class Outcomes {
  constructor(readonly all: RunOutcome[]) {}

  /** A metric of a run that finished correctly; undefined for failed or incorrect runs. */
  value(scenarioId: string, server: ServerKind, metric: string): number | undefined {
    const outcome = this.all.find((candidate) => candidate.scenario.id === scenarioId && candidate.server === server)
    if (!outcome?.result?.correct) return undefined
    const value = outcome.result.metrics[metric]
    return value === undefined || Number.isNaN(value) ? undefined : value
  }

  /** The peer with the best value of `metric` in a scenario, among peers whose run was correct. */
  bestPeer(scenarioId: string, metric: string, better: Better): { server: ServerKind; value: number } | undefined {
    let best: { server: ServerKind; value: number } | undefined
    for (const server of PEERS) {
      const value = this.value(scenarioId, server, metric)
      if (value === undefined) continue
      if (!best || (better === 'lower' ? value < best.value : value > best.value)) best = { server, value }
    }
    return best
  }
}
