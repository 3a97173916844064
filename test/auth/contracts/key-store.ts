/** What every KeyStore promises, and what a key ring over it does, run against each implementation. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KeyRing } from '../../../auth/keys.js'
import type { KeyStore } from '../../../auth/store/key-store.js'
import { mintRoomToken, verifyRoomToken } from '../../../auth/tokens.js'
import { ManualClock } from '../../support/manual-clock.js'

export interface KeyStoreFixture {
  store: KeyStore
  /** A second handle on the same keys: another node, or the CLI on the same directory. */
  another(): Promise<KeyStore>
  dispose(): Promise<void>
}

const TOKENS = { issuer: 'lectern', audience: 'lectern', clockToleranceSeconds: 0 }

export function keyStoreContract(name: string, open: () => Promise<KeyStoreFixture>): void {
  describe(`${name} key store`, () => {
    let fixture: KeyStoreFixture
    const handles: KeyStore[] = []

    beforeEach(async () => {
      fixture = await open()
    })

    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.close()
      await fixture.dispose()
    })

    async function another(): Promise<KeyStore> {
      const handle = await fixture.another()
      handles.push(handle)
      return handle
    }

    it('gives every node starting on an empty store the same first key', async () => {
      const rings = await Promise.all([KeyRing.open(fixture.store), KeyRing.open(await another()), KeyRing.open(await another())])
      expect(new Set(rings.map(({ ring }) => ring.signingKey.kid)).size).toBe(1)
      expect(rings.filter(({ created }) => created)).toHaveLength(1)
      expect(await fixture.store.list()).toHaveLength(1)
    })

    it('verifies on one node a token minted on another, and a rotation there is seen here after a reload', async () => {
      const clock = new ManualClock()
      const { ring: a } = await KeyRing.open(fixture.store, clock)
      const { ring: b } = await KeyRing.open(await another(), clock)
      const before = await mintRoomToken(a, TOKENS, { room: 'r', scope: 'read', sub: 'ada', ttlSeconds: 60 })
      expect(await verifyRoomToken(b, TOKENS, before)).toMatchObject({ ok: true })

      const rotated = await a.rotate(60)
      expect(rotated.kid).not.toBe(b.signingKey.kid)
      // A token signed with the new key verifies on B even before B hears of the rotation.
      const after = await mintRoomToken(a, TOKENS, { room: 'r', scope: 'read', sub: 'ada', ttlSeconds: 60 })
      expect(await verifyRoomToken(b, TOKENS, after)).toMatchObject({ ok: true })
      await b.reload()
      expect(b.signingKey.kid).toBe(rotated.kid)
      expect(b.jwks().keys.map((key) => key.kid).sort()).toEqual([rotated.kid, a.jwks().keys.find((key) => key.kid !== rotated.kid)!.kid].sort())
      expect(await verifyRoomToken(b, TOKENS, before)).toMatchObject({ ok: true })
    })

    it('keeps a rotated-out key verifying for its grace period, then drops it at the next rotation', async () => {
      const clock = new ManualClock()
      const { ring } = await KeyRing.open(fixture.store, clock)
      const old = await mintRoomToken(ring, TOKENS, { room: 'r', scope: 'read', sub: 'ada', ttlSeconds: 600 })
      const first = ring.signingKey.kid
      await ring.rotate(30)
      clock.advance(29_000)
      expect(await verifyRoomToken(ring, TOKENS, old)).toMatchObject({ ok: true })
      clock.advance(2_000)
      expect(await verifyRoomToken(ring, TOKENS, old)).toEqual({ ok: false, reason: 'unknown signing key' })
      await ring.rotate(30)
      const kept = (await (await another()).list()).map((key) => key.kid)
      expect(kept).toHaveLength(2)
      expect(kept).not.toContain(first)
    })

    it('orders two rotations within one second newest first', async () => {
      const clock = new ManualClock()
      const { ring } = await KeyRing.open(fixture.store, clock)
      await ring.rotate(60)
      const newest = await ring.rotate(60)
      const { ring: reopened } = await KeyRing.open(await another(), clock)
      expect(reopened.signingKey.kid).toBe(newest.kid)
    })
  })
}
