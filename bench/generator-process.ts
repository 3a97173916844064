/**
 * The load generator in its own process, pinned away from the server. It asks for server
 * measurements over IPC; this side reads them from /proc.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { GeneratorCommand, GeneratorMessage } from './ipc.js'
import { CLIENT_CORE, pinToCore } from './pinning.js'
import type { ServerProcess } from './server-process.js'
import type { RunResult, RunSpec } from './spec.js'

/** The longest any single run may take, connection setup and drains included. */
const RUN_TIMEOUT_MS = 10 * 60_000

export function runGenerator(spec: RunSpec, server: ServerProcess, profileArgs: string[]): Promise<RunResult> {
  const script = fileURLToPath(new URL('./load/main.js', import.meta.url))
  const child = fork(script, [], {
    execArgv: profileArgs,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone keeps Infinity (a p99 over deliveries that never came), which JSON would not.
    serialization: 'advanced',
  })
  if (child.pid === undefined) throw new Error('could not start the load generator process')
  pinToCore(child.pid, CLIENT_CORE)
  const reply = (command: GeneratorCommand) => child.send(command)
  return new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${spec.scenario.id} against ${spec.server} did not finish within ${RUN_TIMEOUT_MS / 1000} s`))
    }, RUN_TIMEOUT_MS)
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      outcome()
    }
    child.on('message', (message: unknown) => {
      const event = message as GeneratorMessage
      switch (event.type) {
        case 'probe':
          server.usage(event.gc).then(
            (usage) => reply({ type: 'probe-result', id: event.id, usage }),
            (error: Error) => {
              child.kill('SIGKILL')
              settle(() => reject(new Error(`measuring the ${spec.server} server failed: ${error.message}`)))
            },
          )
          return
        case 'result':
          settle(() => resolve(event.result))
          return
        case 'failed':
          settle(() => reject(new Error(event.error)))
          return
      }
    })
    child.once('exit', (code, signal) =>
      settle(() => reject(new Error(`load generator exited without a result (code ${code}, signal ${signal})`))),
    )
    reply({ type: 'run', spec })
  })
}
