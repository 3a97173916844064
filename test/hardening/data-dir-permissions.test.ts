import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { connectClient, makeDataDir, startTestRelay, waitFor, waitSynced } from '../support/relay-fixture.js'

const ROOM = 'private-room'
const parents: string[] = []

afterEach(async () => {
  for (const dir of parents.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777
}

/** Starts a relay on `dir`, writes one edit to a room, and stops it, so room files exist. */
async function writeRoom(dir: string): Promise<void> {
  const relay = await startTestRelay({ flushIntervalMs: 20 }, { dataDir: dir })
  const writer = connectClient('v3', relay.url, ROOM, await relay.mint(ROOM, 'write'))
  await waitSynced(writer)
  writer.doc.getText('text').insert(0, 'secret notes')
  await waitFor(() => relay.relay.rooms.get(ROOM)?.doc.getText('text').length === 12, 'edit applied')
  writer.destroy()
  await relay.close()
}

describe('data directory permissions', () => {
  it('creates the data directory 0700 and room files 0600', async () => {
    const parent = await makeDataDir()
    parents.push(parent)
    const dir = join(parent, 'fresh-data')
    await writeRoom(dir)
    expect(await modeOf(dir)).toBe(0o700)
    expect(await modeOf(join(dir, 'rooms'))).toBe(0o700)
    const roomFiles = await readdir(join(dir, 'rooms'))
    expect(roomFiles.length).toBeGreaterThan(0)
    for (const name of roomFiles) expect(await modeOf(join(dir, 'rooms', name)), name).toBe(0o600)
  })

  it('brings an existing world-readable data directory to 0700', async () => {
    const parent = await makeDataDir()
    parents.push(parent)
    const dir = join(parent, 'old-data')
    await mkdir(dir, { mode: 0o755 })
    await writeRoom(dir)
    expect(await modeOf(dir)).toBe(0o700)
  })
})
