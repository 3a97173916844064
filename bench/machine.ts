/** The facts a reader of the report needs to weigh its numbers: machine, versions, commit. */
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { cpus, release, totalmem } from 'node:os'

export interface MachineFacts {
  cpu: string
  cores: number
  memoryGiB: number
  kernel: string
  node: string
  commit: string
  versions: Record<string, string>
}

const MEASURED_PACKAGES = ['yjs', 'ws', '@y/websocket-server', '@hocuspocus/server'] as const

/** The version of `name` as Node would load it from here: the nearest node_modules up the tree (bench/ first, then the repo's). */
async function installedVersion(name: string): Promise<string> {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    try {
      const manifest = JSON.parse(await readFile(new URL(`node_modules/${name}/package.json`, dir), 'utf8')) as { version: unknown }
      return String(manifest.version)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return 'not installed'
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

export async function describeMachine(): Promise<MachineFacts> {
  const versions: Record<string, string> = {}
  for (const name of MEASURED_PACKAGES) versions[name] = await installedVersion(name)
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    // cpus() lists the machine's cores; availableParallelism() would count only those this process is pinned to.
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    commit: gitCommit(),
    versions,
  }
}
