/** Runs the real `lectern` CLI (compiled, in dist/) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backendSettings } from './relay-fixture.js'

export const CLI = fileURLToPath(new URL('../../dist/relay/cli/main.js', import.meta.url))

/**
 * The servers these processes start register in a folder of their own, so a test's CLI never finds
 * another test file's server (or the developer's) through the well-known place.
 */
export const RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'lectern-runtime-'))

/** The environment for a child process: this one's, with the test runtime folder. */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, LECTERN_RUNTIME_DIR: RUNTIME_DIR }
}

export interface ServeProcess {
  child: ChildProcess
  url: string
  port: number
  output: () => string
  /** Sends a signal and waits for the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>
}

/** Starts `lectern serve` on a free port and waits until it listens. */
export async function serveProcess(dataDir: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const { redisUrl } = await backendSettings()
  const backendArgs = redisUrl ? ['--redis', redisUrl] : []
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, ...backendArgs, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv(),
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${output}`)), 15_000)
    const look = () => {
      const match = /"listening":"(ws:\/\/[^"]+)\/ROOM"/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', look)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`relay exited with ${code}:\n${output}`))
    })
  })
  return {
    child,
    url,
    port: Number(new URL(url).port),
    output: () => output,
    stop: async (signal) => {
      // Already gone (exited, or killed by a signal earlier): 'exit' will not fire again.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      const exited = once(child, 'exit')
      child.kill(signal)
      const [code] = (await exited) as [number | null]
      return code
    },
  }
}

/** Runs a CLI command to completion. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  options: { cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env), ...options })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout, stderr }
}
