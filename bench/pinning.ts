/**
 * Keeping the server and the load generator off each other's core, so the generator's work does
 * not show up as server latency. Uses taskset when the machine has it and at least two cores.
 */
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

export const SERVER_CORE = 1
export const CLIENT_CORE = 0

function tasksetAvailable(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export const canPin = availableParallelism() >= 2 && tasksetAvailable()

/** Pins every thread of `pid` to `core`; a no-op where pinning is unavailable. */
export function pinToCore(pid: number, core: number): void {
  if (!canPin) return
  execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', String(core), String(pid)], { stdio: 'ignore' })
}
