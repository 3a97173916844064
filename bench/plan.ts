/**
 * Which scenarios a run measures. The full plan is issue 4's; the quick plan keeps one run of each
 * kind at a size that finishes in under two minutes for all servers together.
 */
import type { ClientKind, Scenario, ServerKind, WireKind } from './spec.js'

/** Lean rows measure the server alone; they are marked in their id and title. */
function clientSuffix(client: ClientKind): { id: string; title: string } {
  return client === 'lean' ? { id: '-lean', title: ', lean readers' } : { id: '', title: '' }
}

/** Builders: a scenario's id and title follow from its parameters, the same in both plans. */
function fanoutOpen(readers: number, rate: number, seconds: number, client: ClientKind = 'realistic'): Scenario {
  const suffix = clientSuffix(client)
  return {
    id: `A-open-${readers}-${rate}${suffix.id}`,
    title: `A fan-out, ${readers} readers, ${rate} edits/s${suffix.title}`,
    spec: { kind: 'fanout-open', readers, rate, seconds, client },
  }
}

function fanoutClosed(readers: number, seconds: number, client: ClientKind = 'realistic'): Scenario {
  const suffix = clientSuffix(client)
  return {
    id: `A-closed-${readers}${suffix.id}`,
    title: `A fan-out, ${readers} readers, max rate${suffix.title}`,
    spec: { kind: 'fanout-closed', readers, window: 100, seconds, client },
  }
}

function typingRooms(rooms: number, seconds: number): Scenario {
  return {
    id: `B-typing-${rooms}x4x4`,
    title: `B ${rooms} rooms × (4 writers at 10 edits/s + 4 readers)`,
    spec: { kind: 'typing-rooms', rooms, writersPerRoom: 4, readersPerRoom: 4, ratePerWriter: 10, seconds, client: 'realistic' },
  }
}

function idle(sessions: number): Scenario {
  return {
    id: `C-idle-${sessions}`,
    title: `C ${sessions.toLocaleString('en-US')} idle sessions, 100 rooms`,
    spec: { kind: 'idle', sessions, rooms: 100 },
  }
}

function lateJoin(updates: number, joins: number): Scenario {
  return {
    id: `D-late-join-${updates}`,
    title: `D ${updates.toLocaleString('en-US')} typing updates, then ${joins} late joins`,
    spec: { kind: 'late-join', updates, joins },
  }
}

function readonlyFlood(readers: number, framesPerReader: number, ratePerReader: number): Scenario {
  return {
    id: `E-readonly-flood-${readers}`,
    title: `E ${readers.toLocaleString('en-US')} read-only sessions × ${framesPerReader} writes`,
    spec: { kind: 'readonly-flood', readers, framesPerReader, ratePerReader },
  }
}

export function fullPlan(): Scenario[] {
  const readerCounts = [100, 1000, 2000]
  return [
    ...readerCounts.flatMap((readers) => [fanoutOpen(readers, 20, 10), fanoutOpen(readers, 200, 10)]),
    ...readerCounts.map((readers) => fanoutClosed(readers, 5)),
    fanoutOpen(1000, 200, 10, 'lean'),
    fanoutClosed(1000, 5, 'lean'),
    typingRooms(50, 10),
    idle(1000),
    idle(10_000),
    lateJoin(100_000, 5),
    readonlyFlood(1000, 20, 4),
  ]
}

export function quickPlan(): Scenario[] {
  return [
    fanoutOpen(500, 200, 2),
    fanoutClosed(100, 2),
    typingRooms(10, 3),
    idle(1000),
    lateJoin(10_000, 3),
    readonlyFlood(200, 10, 5),
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
