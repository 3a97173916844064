/**
 * A private `redis-server` for one test file: its own free port on 127.0.0.1 and its own temporary
 * directory, so tests never touch the machine's Redis on 6379. It can be killed (`kill -9`),
 * stopped cleanly and restarted on the same port and directory (to test AOF persistence).
 *
 * Without `redis-server` the Redis suites are skipped with a message, except under CI=true, where a
 * missing server fails the run (`.ci/run` installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const REDIS_SERVER = 'redis-server'

function findRedisServer(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0
}

/** Why the Redis suites cannot run here, or false when they can. Use with `describe.skipIf`. */
export const redisSkipReason: string | false = (() => {
  if (findRedisServer()) return false
  const message = `${REDIS_SERVER} is not installed: Redis suites skipped (apt-get install -y redis-server, or run bash .ci/run)`
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it`)
  console.warn(message)
  return message
})()

export interface RedisServer {
  /** redis://127.0.0.1:PORT, or redis://:PASSWORD@127.0.0.1:PORT */
  readonly url: string
  readonly port: number
  readonly dir: string
  /** `kill -9`: nothing is saved beyond what the AOF already has. */
  kill(): Promise<void>
  /** SIGTERM: Redis writes what it must and exits. */
  stop(): Promise<void>
  /** Starts again on the same port and directory. */
  restart(): Promise<void>
  /** Stops it and removes its directory. */
  dispose(): Promise<void>
}

export interface RedisServerOptions {
  /** Append-only file with fsync every second, as the README recommends for clusters. */
  appendOnly?: boolean
  /** `requirepass`: clients must give it, in the URL (redis://:PASSWORD@HOST:PORT). */
  password?: string
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (redisSkipReason) throw new Error(redisSkipReason)
  const dir = await mkdtemp(join(tmpdir(), 'lectern-redis-'))
  const port = await freePort()
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendOnly ? 'yes' : 'no',
    '--appendfsync', 'everysec',
    '--daemonize', 'no',
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
  ]
  let child: ChildProcess | null = await launch(args)
  const credentials = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`
  const exit = async (signal: NodeJS.Signals) => {
    const running = child
    child = null
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = once(running, 'exit')
    running.kill(signal)
    await exited
  }
  return {
    url: `redis://${credentials}127.0.0.1:${port}`,
    port,
    dir,
    kill: () => exit('SIGKILL'),
    stop: () => exit('SIGTERM'),
    restart: async () => {
      await exit('SIGTERM')
      child = await launch(args)
    },
    dispose: async () => {
      await exit('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Spawns redis-server and waits until it accepts connections. */
async function launch(args: string[]): Promise<ChildProcess> {
  // The "Ready to accept connections" line at log level notice is what we wait for.
  const child = spawn(REDIS_SERVER, [...args, '--loglevel', 'notice'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 15_000)
    const look = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        child.stdout!.off('data', look)
        child.stdout!.resume()
        resolve()
      }
    }
    child.stdout!.on('data', look)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}:\n${output}`))
    })
  })
  return child
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no TCP port')
  return address.port
}
