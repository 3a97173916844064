/** What one bench run is asked to do, and what it reports back. */

/** The servers under test, in the order they run. */
export const SERVER_KINDS = ['lectern', 'y-websocket-server', 'hocuspocus', 'bare-ws'] as const
export type ServerKind = (typeof SERVER_KINDS)[number]

/**
 * What the receiving clients are: `lean` reads every socket into one shared buffer and only scans
 * frames (the server alone is measured); `realistic` is a `ws` client decoding every message, so
 * what the clients pay for each message counts too.
 */
export type ClientKind = 'lean' | 'realistic'

/** How a load-generator session speaks to a server. */
export type WireKind = 'y-websocket' | 'hocuspocus' | 'forward'

export type ScenarioSpec =
  | { kind: 'fanout-open'; readers: number; rate: number; seconds: number; client: ClientKind }
  | { kind: 'fanout-closed'; readers: number; window: number; seconds: number; client: ClientKind }
  | {
      kind: 'typing-rooms'
      rooms: number
      writersPerRoom: number
      readersPerRoom: number
      ratePerWriter: number
      seconds: number
      client: ClientKind
    }
  | { kind: 'idle'; sessions: number; rooms: number }
  | { kind: 'late-join'; updates: number; joins: number }
  | { kind: 'readonly-flood'; readers: number; framesPerReader: number; ratePerReader: number }

export interface Scenario {
  /** Stable id used by the targets and the report, e.g. "A-open-1000-200". */
  id: string
  /** One line for the table. */
  title: string
  spec: ScenarioSpec
}

export interface RunSpec {
  scenario: Scenario
  server: ServerKind
  wire: WireKind
  /** ws://127.0.0.1:PORT */
  url: string
  /** Holds the signing key the server verifies with; the generator mints tokens from it. */
  dataDir: string
}

export interface RunResult {
  /** Named measurements; the report picks the ones each scenario shows. */
  metrics: Record<string, number>
  /** Whether every receiver ended with what it should have, and what was wrong if not. */
  correct: boolean
  correctness: string
}
