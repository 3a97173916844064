import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeLogRecords } from '../../relay/storage/room-file-format.js'
import {
  connectClient,
  makeDataDir,
  rawClient,
  startTestRelay,
  waitFor,
  waitSynced,
  type TestRelay,
} from '../support/relay-fixture.js'

const ROOM = 'damaged'
const OTHER_ROOM = 'intact'
const dirs: string[] = []
const relays: TestRelay[] = []

afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.close()
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function start(dir: string, overrides = {}): Promise<TestRelay> {
  const relay = await startTestRelay({ flushIntervalMs: 20, ...overrides }, { dataDir: dir })
  relays.push(relay)
  return relay
}

/** Writes `count` independent updates (one map key each) to `room`, then stops the relay. */
async function writeRoom(dir: string, room: string, count: number, overrides = {}): Promise<void> {
  const relay = await start(dir, overrides)
  const writer = connectClient('v3', relay.url, room, await relay.mint(room, 'write'))
  await waitSynced(writer)
  const entries = writer.doc.getMap('entries')
  for (let i = 0; i < count; i++) entries.set(`key-${i}`, `value ${i}`)
  await waitFor(() => relay.relay.rooms.get(room)?.doc.getMap('entries').size === count, 'all applied')
  writer.destroy()
  await relay.close()
}

async function roomFile(dir: string, suffix: string): Promise<string> {
  const names = (await readdir(join(dir, 'rooms'))).filter((name) => name.endsWith(suffix))
  expect(names).toHaveLength(1)
  return join(dir, 'rooms', names[0]!)
}

async function closeCodeOf(relay: TestRelay, room: string): Promise<number> {
  const client = rawClient(relay.url, room, await relay.mint(room, 'read'))
  return (await client.closed).code
}

async function snapshotRoom(): Promise<{ dir: string; snapshot: string }> {
  const dir = await makeDataDir()
  dirs.push(dir)
  // Every relay stop compacts a room into its snapshot.
  await writeRoom(dir, ROOM, 20)
  return { dir, snapshot: await roomFile(dir, '.snapshot') }
}

describe('a damaged room file', () => {
  it('an empty snapshot is reported and the room refused with 4500, not served empty', async () => {
    const { dir, snapshot } = await snapshotRoom()
    await writeFile(snapshot, Buffer.alloc(0))
    const relay = await start(dir)
    expect(await closeCodeOf(relay, ROOM)).toBe(4500)
    expect(relay.relay.counters.storageDamage).toBe(1)
    const metrics = await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text()
    expect(metrics).toMatch(/^lectern_storage_damaged_total 1$/m)
    // Other rooms are served as usual.
    const other = connectClient('v3', relay.url, OTHER_ROOM, await relay.mint(OTHER_ROOM, 'read'))
    await waitSynced(other)
    other.destroy()
  })

  it('a snapshot with one flipped byte is refused with 4500', async () => {
    const { dir, snapshot } = await snapshotRoom()
    const bytes = await readFile(snapshot)
    bytes[bytes.length - 5]! ^= 0x20
    await writeFile(snapshot, bytes)
    const relay = await start(dir)
    expect(await closeCodeOf(relay, ROOM)).toBe(4500)
    expect(relay.relay.counters.storageDamage).toBe(1)
  })

  it('a damaged record in the middle of a log drops only that record, and says so', async () => {
    const dir = await makeDataDir()
    dirs.push(dir)
    // The log a crashed relay leaves: 200 records from 200 writers (a record that follows a lost
    // one of the same client cannot apply without it: Yjs integrates a client's structs in order).
    const updates: Uint8Array[] = []
    for (let i = 0; i < 200; i++) {
      const doc = new Y.Doc()
      doc.on('update', (update: Uint8Array) => updates.push(update))
      doc.getMap('entries').set(`key-${i}`, `value ${i}`)
    }
    const log = encodeLogRecords(updates)
    const middle = updates.slice(0, 100).reduce((sum, update) => sum + update.length + 8, 0)
    log[middle + 8 + 3]! ^= 0x04
    await mkdir(join(dir, 'rooms'), { recursive: true })
    const name = createHash('sha256').update(ROOM).digest('hex')
    await writeFile(join(dir, 'rooms', `${name}.log`), log)

    const relay = await start(dir)
    const room = await relay.relay.openRoom(ROOM)
    const entries = room.doc.getMap('entries')
    expect(entries.size).toBe(199)
    expect(entries.has('key-100')).toBe(false)
    expect(entries.get('key-199')).toBe('value 199')
    expect(relay.relay.counters.storageDamage).toBe(1)
    // The damaged log is kept for the operator.
    expect((await readdir(join(dir, 'rooms'))).some((file) => file.includes('.log.damaged-'))).toBe(true)
  })
})
