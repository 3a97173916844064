/** What every AccessEvents channel promises, run against each implementation. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Grant } from '../../../auth/grants.js'
import type { AccessEvent, AccessEvents } from '../../../auth/store/access-events.js'
import { waitFor } from '../../support/relay-fixture.js'

export interface AccessEventsFixture {
  /** One more node on the same channel. */
  node(): Promise<AccessEvents>
  dispose(): Promise<void>
}

function grant(revision: number, scope: Grant['scope'] = 'read'): Grant {
  const at = '2026-01-05T10:00:00.000Z'
  return {
    id: 'g_contract',
    room: 'intro-yjs',
    subject: 'user:bob',
    scope,
    revision,
    createdAt: at,
    createdBy: 'admin',
    updatedAt: at,
    updatedBy: 'admin',
    linkId: 'l_contract',
    displayName: 'Bob',
    layers: [{ scope, linkId: 'l_contract' }],
  }
}

export function accessEventsContract(name: string, open: () => Promise<AccessEventsFixture>): void {
  describe(`${name} access events`, () => {
    let fixture: AccessEventsFixture
    const nodes: AccessEvents[] = []

    beforeEach(async () => {
      fixture = await open()
    })

    afterEach(async () => {
      for (const node of nodes.splice(0)) await node.close()
      await fixture.dispose()
    })

    async function node(): Promise<{ events: AccessEvents; received: AccessEvent[] }> {
      const events = await fixture.node()
      nodes.push(events)
      const received: AccessEvent[] = []
      events.subscribe((event) => received.push(event))
      return { events, received }
    }

    it('delivers what one node publishes to every other node, in order, whole, and never back to it', async () => {
      const [a, b, c] = [await node(), await node(), await node()]
      const published: AccessEvent[] = [
        { kind: 'grant.changed', grant: grant(2, 'write'), actor: 'user:ada' },
        { kind: 'grant.changed', grant: grant(3, 'read'), actor: 'user:ada' },
        { kind: 'grants.revoked', grants: [grant(3)], reason: 'share link revoked', actor: 'user:ada' },
        { kind: 'keys.rotated', keyId: 'kid-2', actor: 'admin' },
      ]
      for (const event of published) await a.events.publish(event)
      await b.events.publish({ kind: 'keys.rotated', keyId: 'from-b', actor: 'admin' })
      await waitFor(() => b.received.length === 4 && c.received.length === 5, 'every event reaches the other nodes')
      expect(b.received).toEqual(published)
      expect(c.received.filter((event) => event.kind !== 'keys.rotated' || event.keyId !== 'from-b')).toEqual(published)
      await waitFor(() => a.received.length === 1, "B's event reaches A")
      expect(a.received).toEqual([{ kind: 'keys.rotated', keyId: 'from-b', actor: 'admin' }])
    })

    it('stops delivering to a listener that unsubscribed, and keeps delivering to the others', async () => {
      const a = await node()
      const b = await fixture.node()
      nodes.push(b)
      const kept: AccessEvent[] = []
      const dropped: AccessEvent[] = []
      b.subscribe((event) => kept.push(event))
      const unsubscribe = b.subscribe((event) => dropped.push(event))
      await a.events.publish({ kind: 'keys.rotated', keyId: 'one', actor: 'admin' })
      await waitFor(() => kept.length === 1 && dropped.length === 1, 'both listeners hear the first event')
      unsubscribe()
      await a.events.publish({ kind: 'keys.rotated', keyId: 'two', actor: 'admin' })
      await waitFor(() => kept.length === 2, 'the remaining listener hears the second event')
      expect(dropped).toHaveLength(1)
    })
  })
}
