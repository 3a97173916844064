/** The markdown report: setup, targets, then one table per scenario kind with ratios. */
import type { MachineFacts } from './machine.js'
import { Outcomes, type Better } from './outcomes.js'
import type { RunOutcome } from './run-one.js'
import type { ScenarioSpec } from './spec.js'
import { checkTargets } from './targets.js'

interface Column {
  metric: string
  label: string
  digits: number
}

interface Ratio {
  metric: string
  label: string
  better: Better
}

interface View {
  kind: ScenarioSpec['kind']
  heading: string
  columns: Column[]
  ratios: Ratio[]
}

/** What the receiving clients paid: one event, decode and apply per message. */
const CLIENT_COLUMNS: Column[] = [
  { metric: 'messagesPerReceiverPerSecond', label: 'msgs/receiver/s', digits: 1 },
  { metric: 'clientCpuMicrosPerDelivery', label: 'client CPU µs/delivery', digits: 2 },
]

const SERVER_COLUMNS: Column[] = [
  { metric: 'serverCpuSeconds', label: 'server CPU s', digits: 2 },
  { metric: 'serverCpuPercent', label: 'server CPU %', digits: 0 },
  { metric: 'serverPeakRssMB', label: 'peak RSS MB', digits: 0 },
  { metric: 'clientCpuPercent', label: 'client CPU %', digits: 0 },
]

/** Open-loop runs (scenarios A open and B) are judged by latency and by the CPU it cost. */
const OPEN_LOOP_TABLE: Pick<View, 'columns' | 'ratios'> = {
  columns: [
    { metric: 'p50Ms', label: 'p50 ms', digits: 1 },
    { metric: 'p99Ms', label: 'p99 ms', digits: 1 },
    { metric: 'deliveredPercent', label: 'delivered %', digits: 1 },
    { metric: 'serverCpuMicrosPerDelivery', label: 'CPU µs/delivery', digits: 2 },
    ...SERVER_COLUMNS,
    ...CLIENT_COLUMNS,
  ],
  ratios: [
    { metric: 'p99Ms', label: 'p99', better: 'lower' },
    { metric: 'serverCpuSeconds', label: 'CPU', better: 'lower' },
  ],
}

const VIEWS: View[] = [
  {
    kind: 'fanout-open',
    heading: 'A. Fan-out, open loop (one writer at a fixed rate)',
    ...OPEN_LOOP_TABLE,
  },
  {
    kind: 'fanout-closed',
    heading: 'A. Fan-out, closed loop (one writer, at most 100 edits not yet at every reader)',
    columns: [
      { metric: 'editsPerSecond', label: 'edits/s', digits: 0 },
      { metric: 'deliveriesPerSecond', label: 'deliveries/s', digits: 0 },
      { metric: 'p99Ms', label: 'p99 ms', digits: 1 },
      { metric: 'serverCpuMicrosPerDelivery', label: 'CPU µs/delivery', digits: 2 },
      ...SERVER_COLUMNS,
      ...CLIENT_COLUMNS,
    ],
    ratios: [
      { metric: 'editsPerSecond', label: 'edits/s', better: 'higher' },
      { metric: 'serverCpuMicrosPerDelivery', label: 'µs/delivery', better: 'lower' },
    ],
  },
  {
    kind: 'typing-rooms',
    heading: 'B. Many rooms, several writers typing at once',
    ...OPEN_LOOP_TABLE,
  },
  {
    kind: 'idle',
    heading: 'C. Idle sessions (connect with a token, sync, stay)',
    columns: [
      { metric: 'connectsPerSecond', label: 'connects/s', digits: 0 },
      { metric: 'serverCpuMicrosPerConnect', label: 'CPU µs/connect', digits: 0 },
      { metric: 'memoryPerSessionKB', label: 'KB/session', digits: 1 },
      ...SERVER_COLUMNS,
    ],
    ratios: [
      { metric: 'connectsPerSecond', label: 'connects/s', better: 'higher' },
      { metric: 'memoryPerSessionKB', label: 'KB/session', better: 'lower' },
    ],
  },
  {
    kind: 'late-join',
    heading: 'D. Building a large document from typing updates, then late joins',
    columns: [
      { metric: 'documentKB', label: 'document KB', digits: 0 },
      { metric: 'buildUpdatesPerSecond', label: 'build updates/s', digits: 0 },
      { metric: 'buildServerCpuMicrosPerUpdate', label: 'build CPU µs/update', digits: 1 },
      { metric: 'joinMedianMs', label: 'join median ms', digits: 1 },
      { metric: 'joinServerCpuMs', label: 'join CPU ms', digits: 1 },
      ...SERVER_COLUMNS,
    ],
    ratios: [
      { metric: 'serverCpuSeconds', label: 'build CPU', better: 'lower' },
      { metric: 'joinMedianMs', label: 'join', better: 'lower' },
    ],
  },
  {
    kind: 'readonly-flood',
    heading: 'E. Read-only flood (every write must be dropped)',
    columns: [
      { metric: 'framesSent', label: 'writes sent', digits: 0 },
      { metric: 'serverCpuMicrosPerDroppedFrame', label: 'CPU µs/dropped write', digits: 1 },
      ...SERVER_COLUMNS,
    ],
    ratios: [{ metric: 'serverCpuMicrosPerDroppedFrame', label: 'µs/write', better: 'lower' }],
  },
]

function formatNumber(value: number | undefined, digits: number): string {
  if (value === undefined || Number.isNaN(value)) return '–'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function ratio(value: number | undefined, reference: number | undefined): string {
  if (value === undefined || reference === undefined || reference === 0) return '–'
  return `×${(value / reference).toFixed(2)}`
}

function renderView(view: View, outcomes: Outcomes): string[] {
  const runs = outcomes.all.filter((outcome) => outcome.scenario.spec.kind === view.kind)
  if (runs.length === 0) return []
  const header = [
    'scenario',
    'server',
    ...view.columns.map((column) => column.label),
    ...view.ratios.flatMap((r) => [`${r.label} ×best peer`, `${r.label} ×bare ws`]),
    'correct',
  ]
  const lines = [`### ${view.heading}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`]
  for (const run of runs) {
    const metrics = run.result?.metrics ?? {}
    const cells = [
      run.scenario.title,
      run.server,
      ...view.columns.map((column) => formatNumber(metrics[column.metric], column.digits)),
      ...view.ratios.flatMap((r) => {
        const value = outcomes.value(run.scenario.id, run.server, r.metric)
        const peer = outcomes.bestPeer(run.scenario.id, r.metric, r.better)?.value
        const bare = outcomes.value(run.scenario.id, 'bare-ws', r.metric)
        return [ratio(value, peer), ratio(value, bare)]
      }),
      run.error ? `failed: ${run.error.split('\n', 1)[0]}` : run.result!.correct ? 'yes' : `**no**: ${run.result!.correctness}`,
    ]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  lines.push('')
  return lines
}

export interface ReportInput {
  outcomes: RunOutcome[]
  machine: MachineFacts
  command: string
  startedAt: Date
  pinned: boolean
  note?: string
}

export function renderReport(input: ReportInput): string {
  const { machine } = input
  const outcomes = new Outcomes(input.outcomes)
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
  const lines = [
    '# Lectern benchmark results',
    '',
    `- Command: \`${input.command}\` (started ${input.startedAt.toISOString()}, commit ${machine.commit})`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}`,
    `- Versions: ${versions}`,
    input.pinned
      ? '- Server pinned to core 1, load generator to core 0 (taskset); loopback only.'
      : '- Not pinned (taskset or a second core unavailable); loopback only.',
    ...(input.note ? [`- Note: ${input.note}`] : []),
    '',
    'Each row is one fresh server process. Server CPU and peak RSS are read from /proc; CPU counts the',
    'measured window only (sending plus draining, not connection setup). A delivery is one edit reaching',
    'one receiver; latency runs from the moment an edit was due to be sent to its arrival, on the',
    'machine-wide monotonic clock. Client CPU is the load generator\'s share of one core: near 100 %',
    'it, not the server, is the limit. Ratios compare a row with the best *correct* run of',
    '@y/websocket-server and Hocuspocus ("best peer") and with the bare `ws` forwarder (the ceiling);',
    'below 1 is better for latency, CPU and memory, above 1 for rates.',
    '',
    '## Targets (issues 4 and 15)',
    '',
    '| target | status | measured |',
    '| --- | --- | --- |',
    ...checkTargets(outcomes).map((check) => `| ${check.target} | ${check.status} | ${check.detail} |`),
    '',
    '## Results',
    '',
    ...VIEWS.flatMap((view) => renderView(view, outcomes)),
  ]
  return `${lines.join('\n')}\n`
}
