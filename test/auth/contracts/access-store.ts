/**
 * What every AccessStore promises, run against each implementation. `open` gives a fresh, empty
 * store; `another` a second handle on the same data (the same directory reopened, another Redis
 * connection): what one acknowledged, the other sees, as two nodes of a cluster would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashSecret } from '../../../auth/secrets.js'
import { createShareLink } from '../../../auth/share-links.js'
import type { AccessStore } from '../../../auth/store/access-store.js'

export interface AccessStoreFixture {
  store: AccessStore
  another(): Promise<AccessStore>
  /** Whether handles may be used at once (a cluster's nodes), or only one after the other (one process's files). */
  concurrentHandles: boolean
  dispose(): Promise<void>
}

const ROOM = 'intro-yjs'
const AT = new Date('2026-01-05T10:00:00Z')

export function accessStoreContract(name: string, open: () => Promise<AccessStoreFixture>): void {
  describe(`${name} access store`, () => {
    let fixture: AccessStoreFixture
    let store: AccessStore
    const handles: AccessStore[] = []

    beforeEach(async () => {
      fixture = await open()
      store = fixture.store
    })

    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.close()
      await fixture.dispose()
    })

    async function another(): Promise<AccessStore> {
      const handle = await fixture.another()
      handles.push(handle)
      return handle
    }

    async function addLink(options: { scope?: 'read' | 'write'; maxUses?: number | null; expiresInSeconds?: number } = {}) {
      const { link, code } = createShareLink({
        room: ROOM,
        scope: options.scope ?? 'read',
        expiresInSeconds: options.expiresInSeconds ?? 3600,
        maxUses: options.maxUses ?? null,
        actor: 'user:ada',
        at: AT,
      })
      await store.addLink(link)
      return { link, codeHash: hashSecret(code) }
    }

    it('admits exactly one of many concurrent redeems of a link with one use left, across nodes where the store is shared', async () => {
      const { link, codeHash } = await addLink({ maxUses: 1 })
      const second = fixture.concurrentHandles ? await another() : store
      const outcomes = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          (i % 2 === 0 ? store : second).redeem({ codeHash, subject: `user:guest-${i}`, actor: `user:guest-${i}`, at: AT }),
        ),
      )
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1)
      expect(outcomes.filter((outcome) => !outcome.ok && outcome.refusal === 'link_used_up')).toHaveLength(23)

      const third = await another()
      const [stored] = await third.roomLinks(ROOM)
      expect(stored).toMatchObject({ id: link.id, uses: 1 })
      expect(await third.roomGrants(ROOM)).toHaveLength(1)
    })

    it('refuses unknown, expired and revoked codes, saying which', async () => {
      const expired = await addLink({ expiresInSeconds: 1 })
      const revoked = await addLink()
      await store.revokeLink({ room: ROOM, linkId: revoked.link.id, actor: 'user:ada', at: AT, revokeGrants: false })
      const at = new Date(AT.getTime() + 1500)
      const redeem = (codeHash: string) => store.redeem({ codeHash, subject: 'user:bob', actor: 'user:bob', at })
      expect(await redeem(hashSecret('lct_share_nothing'))).toMatchObject({ ok: false, refusal: 'unknown_code' })
      expect(await redeem(expired.codeHash)).toMatchObject({ ok: false, refusal: 'link_expired' })
      expect(await redeem(revoked.codeHash)).toMatchObject({ ok: false, refusal: 'link_revoked' })
      expect(await store.grantFor(ROOM, 'user:bob')).toBeUndefined()
      expect((await store.roomLinks(ROOM)).map((link) => link.uses)).toEqual([0, 0])
    })

    it('never lowers a grant on redeem, and a link revocation takes back only the grants it created', async () => {
      const { grant: carol } = await store.setGrant({ room: ROOM, subject: 'user:carol', scope: 'write', actor: 'admin', at: AT })
      const { link, codeHash } = await addLink({ scope: 'read' })
      const forCarol = await store.redeem({ codeHash, subject: 'user:carol', actor: 'user:carol', at: AT })
      const forBob = await store.redeem({ codeHash, subject: 'user:bob', displayName: 'Bob', actor: 'user:bob', at: AT })
      expect(forCarol).toMatchObject({ ok: true, grant: { id: carol.id, scope: 'write' } })
      expect(forBob).toMatchObject({ ok: true, grant: { scope: 'read', linkId: link.id, displayName: 'Bob' } })

      const revoked = await store.revokeLink({ room: ROOM, linkId: link.id, actor: 'user:ada', at: AT, revokeGrants: true })
      expect(revoked?.revokedGrants.map((grant) => grant.subject)).toEqual(['user:bob'])
      expect(revoked?.link).toMatchObject({ id: link.id, revokedBy: 'user:ada' })
      expect((await store.roomGrants(ROOM)).map((grant) => grant.subject)).toEqual(['user:carol'])
      expect(await store.revokeLink({ room: 'elsewhere', linkId: link.id, actor: 'user:ada', at: AT, revokeGrants: true })).toBeUndefined()
    })

    it('takes back exactly what a revoked link raised: the grant drops to the layer below', async () => {
      const read = await addLink({ scope: 'read' })
      const write = await addLink({ scope: 'write' })
      await store.redeem({ codeHash: read.codeHash, subject: 'user:bob', actor: 'user:bob', at: AT })
      const raised = await store.redeem({ codeHash: write.codeHash, subject: 'user:bob', actor: 'user:bob', at: AT })
      expect(raised).toMatchObject({ ok: true, grant: { scope: 'write', linkId: read.link.id, revision: 2 } })

      const first = await store.revokeLink({ room: ROOM, linkId: write.link.id, actor: 'user:ada', at: AT, revokeGrants: true })
      expect(first?.revokedGrants).toEqual([])
      expect(first?.changedGrants.map(({ grant, previous }) => `${previous.scope}->${grant.scope}`)).toEqual(['write->read'])
      expect(await (await another()).grantFor(ROOM, 'user:bob')).toMatchObject({ scope: 'read', revision: 3 })
      const second = await store.revokeLink({ room: ROOM, linkId: read.link.id, actor: 'user:ada', at: AT, revokeGrants: true })
      expect(second?.revokedGrants.map((grant) => grant.subject)).toEqual(['user:bob'])
      expect(await store.grantFor(ROOM, 'user:bob')).toBeUndefined()
    })

    it('lapses a timed layer at its end, once, bumping the revision: back to the scope below, or revoked', async () => {
      const until = new Date(AT.getTime() + 5 * 60_000)
      await store.setGrant({ room: ROOM, subject: 'user:bob', scope: 'read', actor: 'admin', at: AT })
      const timed = await store.setGrant({ room: ROOM, subject: 'user:bob', scope: 'write', actor: 'admin', at: AT, until })
      expect(timed.grant).toMatchObject({ scope: 'write', revision: 2, until: until.toISOString(), then: 'read' })
      await store.setGrant({ room: ROOM, subject: 'user:eve', scope: 'write', actor: 'admin', at: AT, until, then: 'revoke' })
      await store.setGrant({ room: ROOM, subject: 'user:new', scope: 'write', actor: 'admin', at: AT, until })

      expect(await store.expireGrants(new Date(until.getTime() - 1))).toEqual({ changed: [], revoked: [] })
      const second = fixture.concurrentHandles ? await another() : store
      const [a, b] = await Promise.all([store.expireGrants(until), second.expireGrants(until)])
      const changed = [...a.changed, ...b.changed]
      const revoked = [...a.revoked, ...b.revoked]
      expect(changed.map(({ grant }) => grant)).toEqual([expect.objectContaining({ subject: 'user:bob', scope: 'read', revision: 3 })])
      expect(changed[0]!.grant.until).toBeUndefined()
      expect(revoked.map((grant) => grant.subject).sort()).toEqual(['user:eve', 'user:new'])
      expect((await (await another()).roomGrants(ROOM)).map((grant) => `${grant.subject}:${grant.scope}`)).toEqual(['user:bob:read'])
      expect(await store.expireGrants(new Date(until.getTime() + 60_000))).toEqual({ changed: [], revoked: [] })
    })

    it('keeps a prefix grant under its prefix', async () => {
      const { grant } = await store.setGrant({ room: 'course-101/*', subject: 'group:students', scope: 'read', actor: 'admin', at: AT })
      expect(await (await another()).roomGrants('course-101/*')).toEqual([grant])
      expect(await store.subjectGrants(['group:students'])).toEqual([grant])
      expect(await store.roomGrants('course-101/week-1')).toEqual([])
    })

    it('changes a grant in place: same id, next revision; deleting it frees the subject', async () => {
      const first = await store.setGrant({ room: ROOM, subject: 'user:bob', scope: 'read', actor: 'user:ada', at: AT })
      const second = await store.setGrant({ room: ROOM, subject: 'user:bob', scope: 'write', actor: 'user:ada', at: AT })
      expect(second.grant).toMatchObject({ id: first.grant.id, scope: 'write', revision: 2 })
      expect(second.previous).toMatchObject({ scope: 'read', revision: 1 })
      expect(await (await another()).grant(first.grant.id)).toMatchObject({ scope: 'write', revision: 2 })

      expect(await store.deleteGrant(ROOM, 'user:bob')).toMatchObject({ id: first.grant.id })
      expect(await store.deleteGrant(ROOM, 'user:bob')).toBeUndefined()
      expect(await store.grant(first.grant.id)).toBeUndefined()
      const again = await store.setGrant({ room: ROOM, subject: 'user:bob', scope: 'read', actor: 'user:ada', at: AT })
      expect(again.grant.id).not.toBe(first.grant.id)
      expect(again.previous).toBeUndefined()
    })

    it("finds a subject's grants across rooms, and a room's grants and links", async () => {
      await store.setGrant({ room: 'a', subject: 'user:bob', scope: 'read', actor: 'admin', at: AT })
      await store.setGrant({ room: 'b', subject: 'group:staff', scope: 'write', actor: 'admin', at: AT })
      await store.setGrant({ room: 'b', subject: 'user:carol', scope: 'admin', actor: 'admin', at: AT })
      await addLink()
      const rooms = (await store.subjectGrants(['user:bob', 'group:staff'])).map((grant) => `${grant.room}/${grant.subject}`)
      expect(rooms.sort()).toEqual(['a/user:bob', 'b/group:staff'])
      expect((await store.roomGrants('b')).map((grant) => grant.subject).sort()).toEqual(['group:staff', 'user:carol'])
      expect(await store.grantFor('a', 'user:carol')).toBeUndefined()
      expect(await store.roomLinks('b')).toEqual([])
      expect(await store.roomLinks(ROOM)).toHaveLength(1)
    })
  })
}
