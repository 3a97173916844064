import { cp, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  connectClient,
  makeDataDir,
  startTestRelay,
  text,
  waitFor,
  waitSynced,
  type TestClient,
  type TestRelay,
} from '../support/relay-fixture.js'
import { mountSmallDisk, type SmallDisk } from '../support/small-disk.js'

const ROOM = 'full-disk'
let disk: SmallDisk | null = null
let relay: TestRelay | null = null
const clients: TestClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await relay?.dispose()
  relay = null
  await disk?.unmount()
  disk = null
})

function connect(url: string, token: string, version: 'v1' | 'v3'): TestClient {
  const client = connectClient(version, url, ROOM, token)
  clients.push(client)
  return client
}

async function health(port: number): Promise<{ status: string; reason?: string }> {
  return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { status: string; reason?: string }
}

describe('a full disk', () => {
  it('degrades the relay instead of killing it, and loses nothing once space returns', async (context) => {
    const mounted = await mountSmallDisk(4 * 1024 * 1024)
    if (typeof mounted === 'string') return context.skip(mounted)
    disk = mounted
    const dataDir = join(disk.path, 'data')
    relay = await startTestRelay({ flushIntervalMs: 20, compactAfterBytes: 16 * 1024 }, { dataDir })
    const writer = connect(relay.url, await relay.mint(ROOM, 'write'), 'v3')
    await waitSynced(writer)
    const content = writer.doc.getText('text')
    content.insert(0, 'saved before. ')
    const room = relay.relay.rooms.get(ROOM)!
    await waitFor(() => text(room.doc).length === 14, 'first edit applied')
    const rooms = join(dataDir, 'rooms')
    await waitFor(async () => (await readdir(rooms)).some((name) => name.endsWith('.log')), 'first edit on disk')

    await disk.fill()
    // Enough to pass the compaction threshold: both the log append and the snapshot fail.
    for (let i = 0; i < 40; i++) content.insert(content.length, `line ${i} ${'x'.repeat(1000)}\n`)
    const expected = content.toString()
    const { counters } = relay.relay
    await waitFor(() => counters.storageWriteFailures >= 2, 'writes failed')
    const port = relay.port
    expect((await health(port)).status).toBe('degraded')
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    expect(metrics).toMatch(/^lectern_storage_degraded 1$/m)
    expect(metrics).toMatch(/^lectern_storage_write_failures_total [1-9]\d*$/m)
    // Still serving from memory: a late joiner gets everything.
    const reader = connect(relay.url, await relay.mint(ROOM, 'read'), 'v1')
    await waitSynced(reader)
    expect(text(reader.doc)).toBe(expected)
    expect((await readdir(rooms)).filter((name) => name.endsWith('.tmp'))).toEqual([])

    await disk.free()
    await waitFor(async () => (await health(port)).status === 'ok', 'writes retried', 15_000)
    // What is on disk now, without the shutdown's final save, holds every acknowledged write.
    const copy = await makeDataDir()
    await cp(dataDir, copy, { recursive: true })
    const restarted = await startTestRelay({}, { dataDir: copy })
    try {
      await restarted.relay.openRoom(ROOM)
      expect(text(restarted.relay.rooms.get(ROOM)!.doc)).toBe(expected)
    } finally {
      await restarted.dispose()
      await rm(copy, { recursive: true, force: true })
    }
    await relay.close()
  })
})
