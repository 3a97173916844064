/**
 * nginx on loopback for the load-balancer test, running the README's config
 * (examples/cluster/nginx.conf) with its addresses replaced by the test's. Skipped with a message
 * when nginx is missing, except under CI=true (`.ci/run` installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './redis-server.js'

const NGINX = process.env.NGINX_BIN ?? (spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).stdout.trim().split('\n')[0] || 'nginx')

export const nginxSkipReason: string | false = (() => {
  if (spawnSync(NGINX, ['-v'], { stdio: 'ignore' }).status === 0) return false
  const message = 'nginx is not installed: load-balancer test skipped (apt-get install -y nginx, or run bash .ci/run)'
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it`)
  console.warn(message)
  return message
})()

export interface Nginx {
  /** ws://127.0.0.1:PORT */
  url: string
  port: number
  dispose(): Promise<void>
}

/** Runs examples/cluster/nginx.conf in front of the given node ports. */
export async function startNginx(nodePorts: [number, number]): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'lectern-nginx-'))
  const port = await freePort()
  const config = (await readFile(new URL('../../examples/cluster/nginx.conf', import.meta.url), 'utf8'))
    .replace('127.0.0.1:1234', `127.0.0.1:${nodePorts[0]}`)
    .replace('127.0.0.1:1235', `127.0.0.1:${nodePorts[1]}`)
    .replace('127.0.0.1:8080', `127.0.0.1:${port}`)
  await writeFile(join(dir, 'nginx.conf'), config)
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitForPort(port, () => output, child)
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
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
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output()}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() - started > 15_000) throw new Error(`nginx did not listen on ${port}:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
