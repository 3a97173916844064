/** Asking the orchestrator for the server process's CPU and memory, and measuring a window. */
import { requestReply, type GeneratorCommand } from '../ipc.js'
import type { ProcessUsage } from '../proc-stats.js'

const PROBE_TIMEOUT_MS = 30_000

export async function probeServer(gc: boolean): Promise<ProcessUsage> {
  if (!process.send) throw new Error('the load generator must be started by bench/run.js with an IPC channel')
  const reply = await requestReply<Extract<GeneratorCommand, { type: 'probe-result' }>>(
    process as Parameters<typeof requestReply>[0],
    (id) => ({ type: 'probe', id, gc }),
    'probe-result',
    PROBE_TIMEOUT_MS,
  )
  return reply.usage
}

export interface Window {
  wallSeconds: number
  serverCpuSeconds: number
  clientCpuSeconds: number
  /** The server's peak RSS at the end of the window (its whole life: each run starts a fresh server). */
  serverPeakRssBytes: number
}

export async function measureWindow(work: () => Promise<void>): Promise<Window> {
  const serverBefore = await probeServer(false)
  const clientBefore = process.cpuUsage()
  const started = performance.now()
  await work()
  const wallSeconds = (performance.now() - started) / 1000
  const client = process.cpuUsage(clientBefore)
  const serverAfter = await probeServer(false)
  return {
    wallSeconds,
    serverCpuSeconds: serverAfter.cpuSeconds - serverBefore.cpuSeconds,
    clientCpuSeconds: (client.user + client.system) / 1e6,
    serverPeakRssBytes: serverAfter.peakRssBytes,
  }
}

/** The window's figures under the names every scenario reports. */
export function windowMetrics(window: Window): Record<string, number> {
  return {
    wallSeconds: window.wallSeconds,
    serverCpuSeconds: window.serverCpuSeconds,
    serverCpuPercent: (100 * window.serverCpuSeconds) / window.wallSeconds,
    clientCpuPercent: (100 * window.clientCpuSeconds) / window.wallSeconds,
    serverPeakRssMB: window.serverPeakRssBytes / 2 ** 20,
  }
}

/**
 * Waits until the server has used no CPU for two consecutive 100 ms intervals (or `timeoutMs`
 * passed): how the bench knows a server has finished the frames it was sent when nothing it does
 * is visible to the clients.
 */
export async function waitServerIdle(timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  let previous = (await probeServer(false)).cpuSeconds
  let quietIntervals = 0
  while (quietIntervals < 2) {
    if (performance.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = (await probeServer(false)).cpuSeconds
    quietIntervals = now - previous <= 0.01 ? quietIntervals + 1 : 0
    previous = now
  }
  return true
}
