/**
 * The load generator process: receives one run from the orchestrator, drives the server through
 * the scenario, sends back the result and exits.
 */
import type { GeneratorCommand, GeneratorMessage } from '../ipc.js'
import type { RunResult, RunSpec, ScenarioSpec } from '../spec.js'
import type { RunContext } from './context.js'
import { fanoutClosedLoop, fanoutOpenLoop } from './scenarios/fanout.js'
import { idleSessions } from './scenarios/idle.js'
import { lateJoin } from './scenarios/late-join.js'
import { readonlyFlood } from './scenarios/readonly-flood.js'
import { typingRooms } from './scenarios/typing-rooms.js'
import { makeMinter } from './tokens.js'
import { wireFor } from './wire.js'

function runScenario(context: RunContext, spec: ScenarioSpec): Promise<RunResult> {
  switch (spec.kind) {
    case 'fanout-open':
      return fanoutOpenLoop(context, spec)
    case 'fanout-closed':
      return fanoutClosedLoop(context, spec)
    case 'typing-rooms':
      return typingRooms(context, spec)
    case 'idle':
      return idleSessions(context, spec)
    case 'late-join':
      return lateJoin(context, spec)
    case 'readonly-flood':
      return readonlyFlood(context, spec)
  }
}

async function run(spec: RunSpec): Promise<RunResult> {
  const context: RunContext = { url: spec.url, wire: wireFor(spec.wire), mint: await makeMinter(spec.dataDir) }
  return runScenario(context, spec.scenario.spec)
}

function describeRun(spec: RunSpec): string {
  return `${spec.scenario.id} against ${spec.server}`
}

/** Sends the outcome, then exits once it is on the channel: open sockets need no goodbye. */
function finish(message: GeneratorMessage): void {
  if (!process.send) throw new Error('the load generator must be started by bench/run.js with an IPC channel')
  process.send(message, undefined, {}, () => process.exit(0))
}

process.on('message', (message: unknown) => {
  const command = message as GeneratorCommand
  if (command.type !== 'run') return
  run(command.spec).then(
    (result) => finish({ type: 'result', result }),
    (error: Error) => finish({ type: 'failed', error: `${describeRun(command.spec)}: ${error.stack ?? error.message}` }),
  )
})
