/**
 * `npm run bench:cluster`: what cluster mode costs (issue 8). One writer types 20 edits/s into a
 * room with 1,000 readers, first on one embedded node, then with the writer and 500 readers on
 * node A and 500 readers on node B, both on one Redis. Reports delivery latency per node, server
 * CPU per delivery (both nodes plus Redis against the single node), Redis commands per edit (from
 * INFO commandstats) and Redis memory for the room. Servers and Redis share the server core; the
 * load runs here, on the client core.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { KeyRing } from '../auth/keys.js'
import { FileKeyStore } from '../auth/store/file-key-store.js'
import { RedisKeyStore } from '../auth/store/redis/redis-key-store.js'
import { mintRoomToken } from '../auth/tokens.js'
import { createLogger } from '../relay/logger.js'
import { RedisConnection, replyText } from '../relay/redis-connection.js'
import { roomKeys } from '../relay/storage/redis/keys.js'
import { monotonicMicros } from './clock.js'
import { openAll } from './load/connect.js'
import { CONNECT_DEADLINE_MS, SETTLE_MS } from './load/context.js'
import { DeliveryLedger } from './load/deliveries.js'
import { runOpenLoop } from './load/open-loop.js'
import { BenchSession } from './load/session.js'
import { sleep, waitUntil } from './load/wait.js'
import { wireFor } from './load/wire.js'
import { TypingWriter } from './load/writer.js'
import { CLIENT_CORE, pinToCore, SERVER_CORE } from './pinning.js'
import { readProcessUsage } from './proc-stats.js'
import { ServerProcess } from './server-process.js'
import type { ClientKind } from './spec.js'
import { BENCH_TOKEN_SETTINGS } from './token-settings.js'

const ROOM = 'cluster-bench'
const READERS_PER_NODE = 500
const RATE = 20
const SECONDS = 10
const wire = wireFor('y-websocket')
const { values: options, positionals } = parseArgs({ options: { profile: { type: 'string' } }, allowPositionals: true })
/** `npm run bench:cluster -- realistic` for clients that decode every message; lean by default, so the servers are measured. */
const CLIENT: ClientKind = positionals.includes('realistic') ? 'realistic' : 'lean'
/** `-- --profile DIR`: every relay process writes a V8 CPU profile into DIR when it stops. */
const PROFILE_ARGS = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.profile}`] : []

type Mint = (scope: 'read' | 'write') => Promise<string>

/**
 * The commands an edit costs: its XADD and the XREADs that bring it to the nodes. The rest of
 * INFO commandstats is per second, not per edit (grant-expiry sweeps, node leases), and counts a
 * script's inner calls as commands of their own.
 */
const DOCUMENT_PATH = ['xadd', 'xread']

interface Measured {
  latency: Array<{ where: string; p50Ms: number; p99Ms: number; delivered: number; expected: number; messages: number }>
  cpuSeconds: number
  /** CPU seconds of each process (node A, node B, Redis) during the run. */
  cpuByProcess: number[]
  delivered: number
  /** WebSocket messages the readers got: a message carries every edit of one flush. */
  messages: number
}

/** One writer on `urls[0]`, `READERS_PER_NODE * 2 / urls.length` readers on each url. */
async function typeToReaders(urls: string[], mint: Mint, pids: number[]): Promise<Measured> {
  const writer = new TypingWriter(wire, urls[0]!, ROOM, await mint('write'), 0)
  await writer.session.ready
  const perUrl = (READERS_PER_NODE * 2) / urls.length
  const ledgers = urls.map(() => new DeliveryLedger())
  const readers: BenchSession[] = []
  for (const [index, url] of urls.entries()) {
    const tokens = await Promise.all(Array.from({ length: perUrl }, () => mint('read')))
    const opened = await openAll(
      perUrl,
      (reader) => {
        const session = new BenchSession(wire, url, ROOM, tokens[reader]!, null, CLIENT)
        session.onDocumentFrame = ledgers[index]!.receiver({ first: 0, count: 1 })
        return session
      },
      (session) => session,
      CONNECT_DEADLINE_MS,
    )
    readers.push(...opened)
  }
  await sleep(SETTLE_MS)
  const cpu = () => pids.map((pid) => readProcessUsage(pid).cpuSeconds)
  const before = cpu()
  const edits = RATE * SECONDS
  const expected = edits * perUrl
  await runOpenLoop(edits, RATE, (seq, dueMicros) => writer.type(seq, dueMicros))
  await waitUntil(() => ledgers.every((ledger) => ledger.delivered >= expected), 20_000)
  const cpuByProcess = cpu().map((seconds, index) => seconds - before[index]!)
  writer.session.close()
  for (const reader of readers) reader.close()
  return {
    latency: ledgers.map((ledger, index) => ({
      where: urls.length === 1 ? 'single node' : index === 0 ? 'node A (writer\'s node)' : 'node B',
      ...(ledger.latencyMetrics(expected) as { p50Ms: number; p99Ms: number }),
      delivered: ledger.delivered,
      expected,
      messages: ledger.messages,
    })),
    cpuSeconds: cpuByProcess.reduce((sum, seconds) => sum + seconds, 0),
    cpuByProcess,
    delivered: ledgers.reduce((sum, ledger) => sum + ledger.delivered, 0),
    messages: ledgers.reduce((sum, ledger) => sum + ledger.messages, 0),
  }
}

async function singleNode(): Promise<Measured> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lectern-bench-single-'))
  const { ring } = await KeyRing.open(new FileKeyStore(dataDir))
  const server = await ServerProcess.start('lectern', dataDir, PROFILE_ARGS)
  try {
    return await typeToReaders([server.url], minter(ring), [server.pid])
  } finally {
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

interface ClusterMeasured extends Measured {
  commandsPerEdit: number
  commands: Record<string, number>
  roomBytes: { stream: number; snapshot: number; streamEntries: number }
}

async function twoNodes(): Promise<ClusterMeasured> {
  const dirs = [await mkdtemp(join(tmpdir(), 'lectern-bench-a-')), await mkdtemp(join(tmpdir(), 'lectern-bench-b-'))]
  const redis = await startRedis(dirs[0]!)
  const connection = new RedisConnection(redis.url, 'bench', createLogger('silent'))
  await connection.connect()
  const { ring } = await KeyRing.open(new RedisKeyStore(connection))
  const nodes: ServerProcess[] = []
  try {
    for (const [index, dir] of dirs.entries()) {
      nodes.push(await ServerProcess.start('lectern', dir, PROFILE_ARGS, { BENCH_REDIS_URL: redis.url, BENCH_NODE_ID: `node-${index}` }))
    }
    const before = await commandStats(connection)
    const measured = await typeToReaders(nodes.map((node) => node.url), minter(ring), [...nodes.map((node) => node.pid), redis.pid])
    const after = await commandStats(connection)
    const commands: Record<string, number> = {}
    for (const [name, calls] of Object.entries(after)) {
      const delta = calls - (before[name] ?? 0)
      if (delta > 0 && name !== 'info') commands[name] = delta
    }
    const perEdit = DOCUMENT_PATH.reduce((sum, name) => sum + (commands[name] ?? 0), 0) / (RATE * SECONDS)
    const keys = roomKeys(ROOM)
    const usage = async (key: string) => Number(await connection.command(['MEMORY', 'USAGE', key]) ?? 0)
    const roomBytes = {
      stream: await usage(keys.stream),
      snapshot: await usage(keys.snapshot),
      streamEntries: Number(await connection.command(['XLEN', keys.stream])),
    }
    return { ...measured, commandsPerEdit: perEdit, commands, roomBytes }
  } finally {
    await Promise.all(nodes.map((node) => node.stop()))
    await connection.close()
    await redis.stop()
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  }
}

function minter(ring: KeyRing): Mint {
  let minted = 0
  return (scope) => mintRoomToken(ring, BENCH_TOKEN_SETTINGS, { room: ROOM, scope, sub: `bench-${minted++}`, ttlSeconds: 3600 })
}

/** `INFO commandstats` as command name → calls. */
async function commandStats(connection: RedisConnection): Promise<Record<string, number>> {
  const info = replyText(await connection.command(['INFO', 'commandstats']))
  const stats: Record<string, number> = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[match[1]!] = Number(match[2])
  return stats
}

/** A redis-server of the bench's own, with AOF as the README recommends, on the server core. */
async function startRedis(dir: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address() as { port: number }
      probe.close(() => resolve(address.port))
    })
  })
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitUntil(() => output.includes('Ready to accept connections'), 10_000)
  pinToCore(child.pid!, SERVER_CORE)
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`
}

pinToCore(process.pid, CLIENT_CORE)
const started = monotonicMicros()
const single = await singleNode()
const cluster = await twoNodes()
const perDelivery = (measured: Measured) => (measured.cpuSeconds * 1e6) / measured.delivered
// A loaded machine merges more edits into each message where a flush takes longer: the CPU per
// message written tells the per-write cost apart from how much each write carried.
const perMessage = (measured: Measured) => (measured.cpuSeconds * 1e6) / measured.messages
const singleP99 = single.latency[0]!.p99Ms
const lines = [
  `Cluster bench: 1 writer at ${RATE} edits/s for ${SECONDS} s, ${READERS_PER_NODE * 2} readers (${CLIENT} clients).`,
  '',
  row(['setup', 'readers at', 'delivered', 'messages', 'p50 ms', 'p99 ms', 'p99 − single-node p99']),
  row(['---', '---', '---', '---', '---', '---', '---']),
  ...[...single.latency.map((l) => ['single node', l] as const), ...cluster.latency.map((l) => ['2 nodes + Redis', l] as const)].map(([setup, l]) =>
    row([setup, l.where, `${l.delivered}/${l.expected}`, l.messages, l.p50Ms.toFixed(2), l.p99Ms.toFixed(2), (l.p99Ms - singleP99).toFixed(2)]),
  ),
  '',
  row(['setup', 'server CPU s', 'of which', 'CPU µs per delivery', 'ratio to single node', 'CPU µs per message', 'ratio']),
  row(['---', '---', '---', '---', '---', '---', '---']),
  row(['single node', single.cpuSeconds.toFixed(2), '', perDelivery(single).toFixed(2), '1.00', perMessage(single).toFixed(2), '1.00']),
  row([
    '2 nodes + Redis',
    cluster.cpuSeconds.toFixed(2),
    ['node A', 'node B', 'Redis'].map((name, index) => `${name} ${cluster.cpuByProcess[index]!.toFixed(2)}`).join(', '),
    perDelivery(cluster).toFixed(2),
    (perDelivery(cluster) / perDelivery(single)).toFixed(2),
    perMessage(cluster).toFixed(2),
    (perMessage(cluster) / perMessage(single)).toFixed(2),
  ]),
  '',
  `Redis commands per edit (${DOCUMENT_PATH.join(' + ')}): ${cluster.commandsPerEdit.toFixed(2)}; all commands during the run, timers included: ${Object.entries(cluster.commands)
    .map(([name, calls]) => `${name} ${calls}`)
    .join(', ')}`,
  `Redis memory for the room after the run: stream ${cluster.roomBytes.stream} B (${cluster.roomBytes.streamEntries} entries), snapshot ${cluster.roomBytes.snapshot} B`,
  `Took ${((monotonicMicros() - started) / 1e6).toFixed(0)} s.`,
]
process.stdout.write(`${lines.join('\n')}\n`)
process.exit(0)
