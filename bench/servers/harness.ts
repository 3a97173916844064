/**
 * The part every server process shares: report the listening port to the orchestrator, collect
 * garbage when asked (so memory readings compare live objects, not GC timing), and exit when the
 * orchestrator goes away or says so.
 */
import type { ServerCommand, ServerMessage } from '../ipc.js'

export interface StartedServer {
  port: number
  stop(): Promise<void>
}

/** The data directory the orchestrator prepared (signing key, document files). */
export function benchDataDir(): string {
  const dir = process.env.BENCH_DATA_DIR
  if (!dir) throw new Error('BENCH_DATA_DIR is not set: server processes are started by bench/run.js')
  return dir
}

export async function serveUnderHarness(start: () => Promise<StartedServer>): Promise<void> {
  const send = process.send?.bind(process)
  if (!send) throw new Error('a bench server must be started by bench/run.js with an IPC channel')
  const server = await start()
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    // A server that hangs on close must not keep the bench waiting: exit regardless after 5 s.
    setTimeout(() => process.exit(0), 5000).unref()
    server.stop().finally(() => process.exit(0))
  }
  process.on('message', (message: unknown) => {
    const command = message as ServerCommand
    if (command.type !== 'gc') return
    const collect = (globalThis as { gc?: () => void }).gc
    if (!collect) throw new Error('server process started without --expose-gc')
    collect()
    send({ type: 'gc-done', id: command.id } satisfies ServerMessage)
  })
  process.on('disconnect', stop)
  process.on('SIGTERM', stop)
  send({ type: 'ready', port: server.port } satisfies ServerMessage)
}
