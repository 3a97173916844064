/** One scenario against one server: a fresh data directory, a fresh server process, one generator. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KeyRing } from '../auth/keys.js'
import { FileKeyStore } from '../auth/store/file-key-store.js'
import { runGenerator } from './generator-process.js'
import { WIRE_OF } from './plan.js'
import { ServerProcess } from './server-process.js'
import type { RunResult, Scenario, ServerKind } from './spec.js'

export interface RunOutcome {
  scenario: Scenario
  server: ServerKind
  /** Absent when the run failed; `error` says why. */
  result?: RunResult
  error?: string
}

/** With `profileDir`, both processes write a V8 CPU profile there when they exit. */
export async function runOne(scenario: Scenario, server: ServerKind, profileDir: string | null): Promise<RunOutcome> {
  const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const dataDir = await mkdtemp(join(tmpdir(), `lectern-bench-${server}-`))
  // The key exists before either process opens the directory, so neither races to create it.
  await KeyRing.open(new FileKeyStore(dataDir))
  let process: ServerProcess | null = null
  try {
    process = await ServerProcess.start(server, dataDir, profileArgs)
    const spec = { scenario, server, wire: WIRE_OF[server], url: process.url, dataDir }
    const result = await runGenerator(spec, process, profileArgs)
    return { scenario, server, result }
  } catch (error) {
    return { scenario, server, error: (error as Error).message }
  } finally {
    await process?.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}
