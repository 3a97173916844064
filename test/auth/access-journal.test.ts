/**
 * Issue 12 #13: a change to the embedded access store costs what it changes, not what is stored,
 * and links that stopped admitting long ago do not pile up forever.
 */
import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { hashSecret } from '../../auth/secrets.js'
import { createShareLink } from '../../auth/share-links.js'
import { FileAccessStore } from '../../auth/store/file-access-store.js'
import { ManualClock } from '../support/manual-clock.js'
import { makeDataDir } from '../support/relay-fixture.js'

const DAY_MS = 86_400_000
const dirs: string[] = []
const stores: FileAccessStore[] = []

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close()
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function openStore(options: Parameters<typeof FileAccessStore.open>[1] = {}, dir?: string) {
  const dataDir = dir ?? (await makeDataDir())
  if (!dir) dirs.push(dataDir)
  const store = await FileAccessStore.open(dataDir, options)
  stores.push(store)
  return { store, dataDir }
}

async function grantMany(store: FileAccessStore, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) => store.setGrant({ room: 'big', subject: `user:u${i}`, scope: 'read', actor: 'admin', at: new Date() })),
  )
}

describe('embedded access store journal', () => {
  it('appends a small record for a change instead of rewriting every grant', async () => {
    // Everything stored so far is folded into the snapshot, as a compaction does.
    const { store, dataDir } = await openStore({ compactAfterBytes: 1 })
    await grantMany(store, 2000)
    await store.close()
    stores.pop()
    const reopened = (await openStore({}, dataDir)).store
    const snapshot = join(dataDir, 'access.json')
    const before = await stat(snapshot)
    const journalBefore = (await stat(join(dataDir, 'access.journal'))).size

    await reopened.setGrant({ room: 'big', subject: 'user:one-more', scope: 'write', actor: 'admin', at: new Date() })

    const after = await stat(snapshot)
    expect(before.size).toBeGreaterThan(2000 * 100)
    expect(after.ino).toBe(before.ino)
    expect(after.mtimeMs).toBe(before.mtimeMs)
    const appended = (await stat(join(dataDir, 'access.journal'))).size - journalBefore
    expect(appended).toBeGreaterThan(0)
    expect(appended).toBeLessThan(2048)
    expect(await reopened.grantFor('big', 'user:one-more')).toMatchObject({ scope: 'write' })
  })

  it('replays the journal after a restart, ignores a torn last line, and refuses damage in the middle', async () => {
    const { store, dataDir } = await openStore()
    for (let i = 0; i < 3; i++) await store.setGrant({ room: 'big', subject: `user:u${i}`, scope: 'read', actor: 'admin', at: new Date() })
    await store.close()
    stores.pop()
    const journal = join(dataDir, 'access.journal')
    await appendFile(journal, '{"seq":99,"ops":[{"grant"')
    const reopened = (await openStore({}, dataDir)).store
    expect(await reopened.roomGrants('big')).toHaveLength(3)
    await reopened.setGrant({ room: 'big', subject: 'user:after-tear', scope: 'read', actor: 'admin', at: new Date() })
    await reopened.close()
    stores.pop()
    expect(((await readFile(journal, 'utf8')).match(/\n/g) ?? []).length).toBe(4)

    const lines = (await readFile(journal, 'utf8')).split('\n')
    lines[1] = 'garbage'
    await writeFile(journal, lines.join('\n'))
    await expect(FileAccessStore.open(dataDir)).rejects.toThrow(/damaged/)
  })

  it('folds the journal into a new snapshot once it outgrows it, losing nothing', async () => {
    const { store, dataDir } = await openStore({ compactAfterBytes: 4096 })
    await grantMany(store, 10)
    for (let i = 0; i < 40; i++) await store.setGrant({ room: 'big', subject: `user:u${i % 10}`, scope: i % 2 ? 'read' : 'write', actor: 'admin', at: new Date() })
    const journalSize = (await stat(join(dataDir, 'access.journal'))).size
    expect(journalSize).toBeLessThan(4096 + 2048)
    const snapshot = JSON.parse(await readFile(join(dataDir, 'access.json'), 'utf8')) as { version: number; seq: number; grants: unknown[] }
    expect(snapshot).toMatchObject({ version: 2 })
    expect(snapshot.seq).toBeGreaterThan(0)
    const expected = await store.roomGrants('big')
    await store.close()
    stores.pop()
    const reopened = (await openStore({}, dataDir)).store
    expect(await reopened.roomGrants('big')).toEqual(expected)
  })

  it('forgets links a week after they expired or were revoked, and keeps the others', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'))
    const { store, dataDir } = await openStore({ clock })
    const make = (expiresInSeconds: number) =>
      createShareLink({ room: 'r', scope: 'read', expiresInSeconds, maxUses: null, actor: 'admin', at: clock.now() })
    const expiring = make(60)
    const revoked = make(30 * 86_400)
    const lasting = make(30 * 86_400)
    for (const { link } of [expiring, revoked, lasting]) await store.addLink(link)
    await store.revokeLink({ room: 'r', linkId: revoked.link.id, actor: 'admin', at: clock.now(), revokeGrants: true })
    await store.close()
    stores.pop()

    clock.advance(6 * DAY_MS)
    const soon = (await openStore({ clock }, dataDir)).store
    expect((await soon.roomLinks('r')).map((link) => link.id).sort()).toEqual([expiring.link.id, revoked.link.id, lasting.link.id].sort())
    await soon.close()
    stores.pop()

    clock.advance(2 * DAY_MS)
    const later = (await openStore({ clock }, dataDir)).store
    expect((await later.roomLinks('r')).map((link) => link.id)).toEqual([lasting.link.id])
    const outcome = await later.redeem({ codeHash: hashSecret(expiring.code), subject: 'user:x', actor: 'user:x', at: clock.now() })
    expect(outcome).toMatchObject({ ok: false, refusal: 'unknown_code' })
  })
})
