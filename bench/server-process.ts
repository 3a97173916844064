/** A server under test in its own process: started, pinned, measured, stopped. */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { requestReply, type ServerMessage } from './ipc.js'
import { pinToCore, SERVER_CORE } from './pinning.js'
import { readProcessUsage, type ProcessUsage } from './proc-stats.js'
import type { ServerKind } from './spec.js'

const READY_TIMEOUT_MS = 30_000
const GC_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

export class ServerProcess {
  private constructor(
    readonly kind: ServerKind,
    private readonly child: ChildProcess,
    readonly pid: number,
    readonly port: number,
  ) {}

  /** `profileArgs` are node's --cpu-prof options when the run is profiled, else empty. */
  /** `env` adds settings for the server (the cluster bench's Redis URL and node id). */
  static async start(kind: ServerKind, dataDir: string, profileArgs: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
    const script = fileURLToPath(new URL(`./servers/${kind}.js`, import.meta.url))
    const child = fork(script, [], {
      // --expose-gc lets a memory reading collect garbage first, the same way in every server.
      execArgv: ['--expose-gc', ...profileArgs],
      env: { ...process.env, ...env, BENCH_DATA_DIR: dataDir },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const pid = child.pid
    if (pid === undefined) throw new Error(`could not start the ${kind} server process`)
    pinToCore(pid, SERVER_CORE)
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`${kind} server did not report ready within ${READY_TIMEOUT_MS} ms`))
      }, READY_TIMEOUT_MS)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${kind} server exited before it was ready (code ${code}, signal ${signal})`))
      })
      child.on('message', (message: unknown) => {
        const ready = message as ServerMessage
        if (ready.type !== 'ready') return
        clearTimeout(timer)
        resolve(ready.port)
      })
    })
    return new ServerProcess(kind, child, pid, port)
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`
  }

  /** CPU and memory so far; with `gc`, after the server collected garbage. */
  async usage(gc: boolean): Promise<ProcessUsage> {
    if (gc) {
      await requestReply<Extract<ServerMessage, { type: 'gc-done' }>>(
        this.child as Parameters<typeof requestReply>[0],
        (id) => ({ type: 'gc', id }),
        'gc-done',
        GC_TIMEOUT_MS,
      )
    }
    return readProcessUsage(this.pid)
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }
}
