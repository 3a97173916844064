import { appendFile, readdir, rm } from 'node:fs/promises'
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
    await waitFor(() => first.relay.rooms.get(ROOM)?.doc.getText('text').toString() === 'survives restarts', 'applied')
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
    const writer = connectClient('v3', server.url, ROOM, await mintWithCli(dir, 'write'))
    clients.push(writer)
    await waitSynced(writer)
    for (let i = 0; i < 100; i++) writer.doc.getText('text').insert(i, String(i % 10))
    await sleep(300)
    expect(await server.stop(signal)).toBe(0)
    const restarted = await serveProcess(dir)
    expect(await readRoom(restarted.url, await mintWithCli(dir, 'read'))).toHaveLength(100)
    await restarted.stop('SIGTERM')
  })

  it('after kill -9, keeps every write older than the flush interval', async () => {
    const dir = await dataDir()
    const server = await serveProcess(dir, ['--flush-interval', '200ms'])
    const writer = connectClient('v3', server.url, ROOM, await mintWithCli(dir, 'write'))
    clients.push(writer)
    await waitSynced(writer)
    for (let i = 0; i < 500; i++) writer.doc.getText('text').insert(0, 'x')
    await sleep(1000)
    await server.stop('SIGKILL')
    writer.destroy()
    const restarted = await serveProcess(dir)
    expect(await readRoom(restarted.url, await mintWithCli(dir, 'read'))).toBe('x'.repeat(500))
    await restarted.stop('SIGTERM')
  })

  // The embedded backend's files; the Redis store's compaction is in its contract suite.
  it.skipIf(testBackend === 'redis')('compacts a long log into a snapshot and unloads idle rooms', async () => {
    const dir = await dataDir()
    const relay = await startTestRelay({ compactAfterBytes: 2000, roomIdleUnloadMs: 100, flushIntervalMs: 20 }, { dataDir: dir })
    const writer = connectClient('v3', relay.url, ROOM, await relay.mint(ROOM, 'write'))
    await waitSynced(writer)
    for (let i = 0; i < 300; i++) writer.doc.getText('text').insert(0, `${i % 10}`)
    await waitFor(() => relay.relay.rooms.get(ROOM)?.doc.getText('text').length === 300, 'all applied')
    writer.destroy()
    await waitFor(() => relay.relay.rooms.size === 0, 'idle room unloaded')
    const files = await readdir(join(dir, 'rooms'))
    expect(files.some((name) => name.endsWith('.snapshot'))).toBe(true)
    expect(await readRoom(relay.url, await relay.mint(ROOM, 'read'))).toHaveLength(300)
    await relay.close()
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
    await sleep(300)
    await restarted.close()
    const third = await startTestRelay({}, { dataDir: dir })
    expect(await readRoom(third.url, await third.mint(ROOM, 'read'))).toBe('+before the crash')
    await third.close()
  })
})
