/**
 * Which scenarios a run measures. The full plan is issue 4's; the quick plan keeps one run of each
 * kind at a size that finishes in under two minutes for all servers together.
 */
import type { Scenario, ServerKind, WireKind } from './spec.js'

export function fullPlan(): Scenario[] {
  const scenarios: Scenario[] = []
  for (const readers of [100, 1000, 2000]) {
    for (const rate of [20, 200]) {
      scenarios.push({
        id: `A-open-${readers}-${rate}`,
        title: `A fan-out, ${readers} readers, ${rate} edits/s`,
        spec: { kind: 'fanout-open', readers, rate, seconds: 10 },
      })
    }
  }
  for (const readers of [100, 1000, 2000]) {
    scenarios.push({
      id: `A-closed-${readers}`,
      title: `A fan-out, ${readers} readers, max rate`,
      spec: { kind: 'fanout-closed', readers, window: 100, seconds: 5 },
    })
  }
  scenarios.push(
    {
      id: 'B-typing-50x4x4',
      title: 'B 50 rooms × (4 writers at 10 edits/s + 4 readers)',
      spec: { kind: 'typing-rooms', rooms: 50, writersPerRoom: 4, readersPerRoom: 4, ratePerWriter: 10, seconds: 10 },
    },
    { id: 'C-idle-1000', title: 'C 1,000 idle sessions, 100 rooms', spec: { kind: 'idle', sessions: 1000, rooms: 100 } },
    { id: 'C-idle-10000', title: 'C 10,000 idle sessions, 100 rooms', spec: { kind: 'idle', sessions: 10_000, rooms: 100 } },
    {
      id: 'D-late-join-100000',
      title: 'D 100,000 typing updates, then 5 late joins',
      spec: { kind: 'late-join', updates: 100_000, joins: 5 },
    },
    {
      id: 'E-readonly-flood-1000',
      title: 'E 1,000 read-only sessions × 20 writes',
      spec: { kind: 'readonly-flood', readers: 1000, framesPerReader: 20, ratePerReader: 4 },
    },
  )
  return scenarios
}

export function quickPlan(): Scenario[] {
  return [
    {
      id: 'A-open-500-200',
      title: 'A fan-out, 500 readers, 200 edits/s',
      spec: { kind: 'fanout-open', readers: 500, rate: 200, seconds: 2 },
    },
    {
      id: 'A-closed-100',
      title: 'A fan-out, 100 readers, max rate',
      spec: { kind: 'fanout-closed', readers: 100, window: 100, seconds: 2 },
    },
    {
      id: 'B-typing-10x4x4',
      title: 'B 10 rooms × (4 writers at 10 edits/s + 4 readers)',
      spec: { kind: 'typing-rooms', rooms: 10, writersPerRoom: 4, readersPerRoom: 4, ratePerWriter: 10, seconds: 3 },
    },
    { id: 'C-idle-1000', title: 'C 1,000 idle sessions, 100 rooms', spec: { kind: 'idle', sessions: 1000, rooms: 100 } },
    {
      id: 'D-late-join-10000',
      title: 'D 10,000 typing updates, then 3 late joins',
      spec: { kind: 'late-join', updates: 10_000, joins: 3 },
    },
    {
      id: 'E-readonly-flood-200',
      title: 'E 200 read-only sessions × 10 writes',
      spec: { kind: 'readonly-flood', readers: 200, framesPerReader: 10, ratePerReader: 5 },
    },
  ]
}

/** How the load generator speaks to each server. */
export const WIRE_OF: Record<ServerKind, WireKind> = {
  lectern: 'y-websocket',
  'y-websocket-server': 'y-websocket',
  hocuspocus: 'hocuspocus',
  'bare-ws': 'forward',
}

/**
 * Scenario D needs a server that keeps the document (the bare forwarder has none to give a late
 * joiner); scenario E needs a read-only mode, which @y/websocket-server and the forwarder lack.
 */
export function serverRuns(scenario: Scenario, server: ServerKind): boolean {
  switch (scenario.spec.kind) {
    case 'late-join':
      return server !== 'bare-ws'
    case 'readonly-flood':
      return server === 'lectern' || server === 'hocuspocus'
    default:
      return true
  }
}
