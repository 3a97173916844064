/**
 * A real load balancer on loopback for the cluster tests, running the README's config
 * (examples/cluster/nginx.conf or haproxy.cfg) with its addresses replaced by the test's. A
 * balancer whose binary is missing is skipped with a message, except under CI=true (`.ci/run`
 * installs both).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './redis-server.js'

export interface BalancerKind {
  name: 'nginx' | 'haproxy'
  /** The file under examples/cluster/. */
  config: string
  /** Arguments that run it in the foreground on `configPath`, its working files in `dir`. */
  args(dir: string, configPath: string): string[]
}

export const NGINX: BalancerKind = {
  name: 'nginx',
  config: 'nginx.conf',
  args: (dir, configPath) => ['-p', dir, '-c', configPath, '-e', 'stderr', '-g', 'daemon off;'],
}

export const HAPROXY: BalancerKind = {
  name: 'haproxy',
  config: 'haproxy.cfg',
  args: (_dir, configPath) => ['-db', '-f', configPath],
}

/** The binary's path: on PATH, or in /usr/sbin (Debian's packages put both there). */
function binary(kind: BalancerKind): string {
  const found = spawnSync('sh', ['-c', `command -v ${kind.name} || ls /usr/sbin/${kind.name}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0]
  return found || kind.name
}

/** Why the tests of `kind` cannot run here, or false when they can. Throws under CI=true instead. */
export function balancerSkipReason(kind: BalancerKind): string | false {
  if (spawnSync(binary(kind), ['-v'], { stdio: 'ignore' }).status === 0) return false
  const message = `${kind.name} is not installed: its load-balancer tests are skipped (apt-get install -y ${kind.name}, or run bash .ci/run)`
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it`)
  console.warn(message)
  return message
}

export interface Balancer {
  /** ws://127.0.0.1:PORT */
  url: string
  /** http://127.0.0.1:PORT */
  httpUrl: string
  dispose(): Promise<void>
}

/** Runs examples/cluster/<kind.config> in front of the given node ports. */
export async function startBalancer(kind: BalancerKind, nodePorts: [number, number]): Promise<Balancer> {
  const dir = await mkdtemp(join(tmpdir(), `lectern-${kind.name}-`))
  const port = await freePort()
  const config = (await readFile(new URL(`../../examples/cluster/${kind.config}`, import.meta.url), 'utf8'))
    .replace('127.0.0.1:1234', `127.0.0.1:${nodePorts[0]}`)
    .replace('127.0.0.1:1235', `127.0.0.1:${nodePorts[1]}`)
    .replace('127.0.0.1:8080', `127.0.0.1:${port}`)
  const configPath = join(dir, kind.config)
  await writeFile(configPath, config)
  const child: ChildProcess = spawn(binary(kind), kind.args(dir, configPath), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer) => (output += chunk.toString())
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  await waitForPort(port, () => `${kind.name}: ${output}`, child)
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    dispose: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit')
        child.kill('SIGTERM')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function waitForPort(port: number, output: () => string, child: ChildProcess): Promise<void> {
  const started = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output()}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() - started > 15_000) throw new Error(`did not listen on ${port}:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
