import { appendFile, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  connectClient,
  makeDataDir,
  sleep,
  startTestRelay,
  text,
  waitFor,
  waitSynced,
  testBackend,
  backendSettings,
  type TestClient,
} from '../support/relay-fixture.js'
import { runCli, serveProcess } from '../support/process.js'

const ROOM = 'json:notebook:persist'
const dirs: string[] = []
const clients: TestClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function dataDir(): Promise<string> {
  const dir = await makeDataDir()
  dirs.push(dir)
  return dir
}

async function mintWithCli(dir: string, scope: 'read' | 'write'): Promise<string> {
  const { redisUrl } = await backendSettings()
  const backendArgs = redisUrl ? ['--redis', redisUrl] : []
  const { code, stdout, stderr } = await runCli(['token', 'mint', '--room', ROOM, '--scope', scope, '--data-dir', dir, ...backendArgs])
  expect(code, stderr).toBe(0)
  return stdout.trim()
}

/** What /healthz says: rooms loaded and sessions open, as an operator sees them. */
async function roomHealth(port: number): Promise<{ rooms: number; sessions: number }> {
  return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { rooms: number; sessions: number }
}

/** A barrier: waits until another session of the room sees `expected`, so the relay has applied it. */
async function seenByAnother(url: string, token: string, expected: string): Promise<void> {
  const reader = connectClient('v3', url, ROOM, token)
  clients.push(reader)
  await waitFor(() => text(reader.doc) === expected, `another session sees ${expected.length} characters`)
  reader.destroy()
}

async function readRoom(url: string, token: string): Promise<string> {
  const reader = connectClient('v3', url, ROOM, token)
  clients.push(reader)
  await waitSynced(reader)
  return text(reader.doc)
}

describe('embedded persistence', () => {
  it('keeps the document across an in-process restart', async () => {
    const dir = await dataDir()
    const first = await startTestRelay({}, { dataDir: dir })
    const writer = connectClient('v1', first.url, ROOM, await first.mint(ROOM, 'write'))
    clients.push(writer)
    await waitSynced(writer)
    writer.doc.getText('text').insert(0, 'survives restarts')
    await seenByAnother(first.url, await first.mint(ROOM, 'read'), 'survives restarts')
    writer.destroy()
    await first.close()
    const second = await startTestRelay({}, { dataDir: dir })
    expect(await readRoom(second.url, await second.mint(ROOM, 'read'))).toBe('survives restarts')
    await second.close()
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('loses nothing on %s', async (signal) => {
    const dir = await dataDir()
    // A long flush interval: only the shutdown path can have written the last edits.
    const server = await serveProcess(dir, ['--flush-interval', '1h'])
    const [writeToken, readToken] = await Promise.all([mintWithCli(dir, 'write'), mintWithCli(dir, 'read')])
    const writer = connectClient('v3', server.url, ROOM, writeToken)
    clients.push(writer)
    await waitSynced(writer)
    for (let i = 0; i < 100; i++) writer.doc.getText('text').insert(i, String(i % 10))
    await seenByAnother(server.url, readToken, text(writer.doc))
    expect(await server.stop(signal)).toBe(0)
    const restarted = await serveProcess(dir)
    expect(await readRoom(restarted.url, readToken)).toHaveLength(100)
    await restarted.stop('SIGTERM')
  })

  it('after kill -9, keeps every write older than the flush interval', async () => {
    const dir = await dataDir()
    const server = await serveProcess(dir, ['--flush-interval', '200ms'])
    const [writeToken, readToken] = await Promise.all([mintWithCli(dir, 'write'), mintWithCli(dir, 'read')])
    const writer = connectClient('v3', server.url, ROOM, writeToken)
    clients.push(writer)
    await waitSynced(writer)
    for (let i = 0; i < 500; i++) writer.doc.getText('text').insert(0, 'x')
    await seenByAnother(server.url, readToken, 'x'.repeat(500))
    // The guarantee under test is about time: every write older than a flush interval (200 ms) is on disk.
    await sleep(600)
    await server.stop('SIGKILL')
    writer.destroy()
    const restarted = await serveProcess(dir)
    expect(await readRoom(restarted.url, readToken)).toBe('x'.repeat(500))
    await restarted.stop('SIGTERM')
  })

  // The embedded backend's files; the Redis store's compaction is in its contract suite.
  it.skipIf(testBackend === 'redis')('compacts a long log into a snapshot while the room stays loaded', async () => {
    const dir = await dataDir()
    // No idle unload during the test: only the log's size can make the store write a snapshot.
    const relay = await startTestRelay({ compactAfterBytes: 2000, roomIdleUnloadMs: 3_600_000, flushIntervalMs: 20 }, { dataDir: dir })
    const writer = connectClient('v3', relay.url, ROOM, await relay.mint(ROOM, 'write'))
    clients.push(writer)
    await waitSynced(writer)
    const roomFiles = async () => {
      const names = await readdir(join(dir, 'rooms')).catch(() => [] as string[])
      // A snapshot's temporary file may be renamed between the listing and its stat.
      const sizes = await Promise.all(names.map(async (name) => [name, (await stat(join(dir, 'rooms', name)).catch(() => null))?.size ?? 0] as const))
      return new Map(sizes)
    }
    for (let i = 0; i < 1000; i++) writer.doc.getText('text').insert(0, `${i % 10}`)
    // With idle unload off and the room in use, only the log passing the threshold writes a snapshot.
    // (Not asserted: the log's size afterwards. Appends that cross the threshold while a snapshot is
    // being written trigger no second one until the next append, so the log may stay above it.)
    await waitFor(async () => [...(await roomFiles()).keys()].some((name) => name.endsWith('.snapshot')), 'a snapshot written')
    expect(await roomHealth(relay.port)).toMatchObject({ rooms: 1, sessions: 1 })
    expect(await readRoom(relay.url, await relay.mint(ROOM, 'read'))).toHaveLength(1000)
    await relay.close()
    const restarted = await startTestRelay({}, { dataDir: dir })
    expect(await readRoom(restarted.url, await restarted.mint(ROOM, 'read'))).toHaveLength(1000)
    await restarted.close()
  })

  it('saves and unloads a room nobody is in, and loads it again on the next join', async () => {
    const relay = await startTestRelay({ roomIdleUnloadMs: 100, flushIntervalMs: 20 })
    const writer = connectClient('v3', relay.url, ROOM, await relay.mint(ROOM, 'write'))
    await waitSynced(writer)
    writer.doc.getText('text').insert(0, 'kept while unloaded')
    const reader = connectClient('v1', relay.url, ROOM, await relay.mint(ROOM, 'read'))
    clients.push(reader)
    await waitFor(() => text(reader.doc) === 'kept while unloaded', 'the edit is applied')
    reader.destroy()
    writer.destroy()
    await waitFor(async () => (await roomHealth(relay.port)).rooms === 0, 'the idle room unloaded')
    expect(await readRoom(relay.url, await relay.mint(ROOM, 'read'))).toBe('kept while unloaded')
    await relay.dispose()
  })

  it.skipIf(testBackend === 'redis')('ignores a torn record at the end of the log', async () => {
    const dir = await dataDir()
    const relay = await startTestRelay({ flushIntervalMs: 20 }, { dataDir: dir })
    const writer = connectClient('v3', relay.url, ROOM, await relay.mint(ROOM, 'write'))
    clients.push(writer)
    await waitSynced(writer)
    writer.doc.getText('text').insert(0, 'before the crash')
    await sleep(200)
    writer.destroy()
    await relay.close()
    const log = (await readdir(join(dir, 'rooms'))).find((name) => name.endsWith('.log'))
    expect(log).toBeDefined()
    // A record header that promises 50 bytes, followed by two: the process died mid-append.
    await appendFile(join(dir, 'rooms', log!), Buffer.from([0, 0, 0, 50, 1, 2, 3, 4, 9, 9]))
    const restarted = await startTestRelay({}, { dataDir: dir })
    expect(await readRoom(restarted.url, await restarted.mint(ROOM, 'read'))).toBe('before the crash')
    // Writes after recovery are not hidden behind the torn bytes.
    const again = connectClient('v3', restarted.url, ROOM, await restarted.mint(ROOM, 'write'))
    clients.push(again)
    await waitSynced(again)
    again.doc.getText('text').insert(0, '+')
    await seenByAnother(restarted.url, await restarted.mint(ROOM, 'read'), '+before the crash')
    await restarted.close()
    const third = await startTestRelay({}, { dataDir: dir })
    expect(await readRoom(third.url, await third.mint(ROOM, 'read'))).toBe('+before the crash')
    await third.close()
  })
})
