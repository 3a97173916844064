/**
 * `npm run bench [-- --quick] [--only A-open,C-idle] [--servers lectern,hocuspocus] [--out FILE] [--note TEXT]
 *   [--profile DIR]`
 *
 * Runs every scenario of the plan against every server, one run at a time, each server in its own
 * process, and writes the markdown report (bench/RESULTS.md for a full run).
 */
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { canPin, CLIENT_CORE, pinToCore } from './pinning.js'
import { fullPlan, quickPlan, serverRuns } from './plan.js'
import { renderReport } from './report.js'
import { runOne, type RunOutcome } from './run-one.js'
import { SERVER_KINDS, type ServerKind } from './spec.js'
import { describeMachine } from './machine.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    servers: { type: 'string' },
    out: { type: 'string' },
    note: { type: 'string' },
    // Each server and load generator process writes a .cpuprofile into DIR.
    profile: { type: 'string' },
  },
  strict: true,
})

function parseServers(list: string | undefined): ServerKind[] {
  if (list === undefined) return [...SERVER_KINDS]
  return list.split(',').map((name) => {
    const kind = SERVER_KINDS.find((known) => known === name.trim())
    if (!kind) throw new Error(`--servers: unknown server "${name}" (known: ${SERVER_KINDS.join(', ')})`)
    return kind
  })
}

const prefixes = values.only?.split(',').map((prefix) => prefix.trim())
const scenarios = (values.quick ? quickPlan() : fullPlan()).filter(
  (scenario) => !prefixes || prefixes.some((prefix) => scenario.id.startsWith(prefix)),
)
const servers = parseServers(values.servers)
const out = values.out ?? (values.quick || prefixes || values.servers || values.profile ? null : 'bench/RESULTS.md')

// The orchestrator only waits, but it must not wake up on the server's core either.
pinToCore(process.pid, CLIENT_CORE)
const startedAt = new Date()
// Read before the runs: the commit measured is the one checked out when the bench started.
const machine = await describeMachine()
const outcomes: RunOutcome[] = []
for (const scenario of scenarios) {
  for (const server of servers) {
    if (!serverRuns(scenario, server)) continue
    const begun = performance.now()
    const outcome = await runOne(scenario, server, values.profile ?? null)
    outcomes.push(outcome)
    const seconds = ((performance.now() - begun) / 1000).toFixed(1)
    const verdict = outcome.error ? `FAILED: ${outcome.error}` : outcome.result!.correctness
    process.stdout.write(`${scenario.id.padEnd(24)} ${server.padEnd(20)} ${seconds.padStart(6)} s  ${verdict}\n`)
  }
}
const report = renderReport({
  outcomes,
  machine,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  startedAt,
  pinned: canPin,
  ...(values.note ? { note: values.note } : {}),
})
if (out) {
  await writeFile(out, report)
  process.stdout.write(`\nwrote ${out}\n`)
} else {
  process.stdout.write(`\n${report}`)
}
