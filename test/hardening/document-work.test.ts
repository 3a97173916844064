import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeSyncStep1, encodeSyncUpdate, MessageType, SyncStep } from '../../protocol/messages.js'
import { useTestRelay, waitFor, waitSynced } from '../support/relay-fixture.js'
import { fragmentedDoc, gcStructsUpdate, stateVectorOf } from '../support/updates.js'

const ROOM = 'document-work'
const fixture = useTestRelay()

function isStep2(frame: Buffer): boolean {
  return frame[0] === MessageType.sync && frame[1] === SyncStep.step2
}

describe('structs per update', () => {
  it('refuses an update with more structs than the bound, before it touches the room', async () => {
    const relay = await fixture.start({ maxUpdateStructs: 1000 })
    const attacker = fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: 'mallory' }))
    await attacker.opened
    const room = relay.relay.rooms.get(ROOM)!
    attacker.send(encodeSyncUpdate(gcStructsUpdate(77, 1001)))
    attacker.send(encodeSyncUpdate(gcStructsUpdate(78, 1000)))
    await waitFor(() => room.doc.store.clients.has(78), 'the update within the bound applied')
    expect(relay.relay.counters.oversizedUpdates).toBe(1)
    expect(room.doc.store.clients.has(77)).toBe(false)
  })
})

describe('document work budget', () => {
  it('paces a writer that spends it, and loses none of its updates', async () => {
    const relay = await fixture.start({ workPerSecond: 20_000, workBurst: 2_000 })
    const flooder = fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: 'flooder' }))
    await flooder.opened
    const room = relay.relay.rooms.get(ROOM)!
    for (let client = 1; client <= 20; client++) flooder.send(encodeSyncUpdate(gcStructsUpdate(client, 900)))
    await waitFor(() => room.doc.store.clients.size === 20, 'every update applied')
    expect(relay.relay.counters.workPauses).toBeGreaterThan(0)
    expect(relay.relay.counters.failedUpdates).toBe(0)
  })
})

describe('sync step 1 from a read-only session', () => {
  async function roomWithLargeDocument(config: Parameters<typeof fixture.start>[0]) {
    const relay = await fixture.start(config)
    const writer = fixture.connect('v3', ROOM, await relay.mint(ROOM, 'write', { sub: 'author' }))
    await waitSynced(writer)
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(fragmentedDoc(5000)))
    await waitFor(() => relay.relay.rooms.get(ROOM)?.doc.getText('text').length === 5000, 'document built')
    const viewer = fixture.raw(ROOM, await relay.mint(ROOM, 'read', { sub: 'viewer' }))
    await viewer.opened
    return { relay, viewer }
  }

  it('answers identical requests from a cache', async () => {
    const { relay, viewer } = await roomWithLargeDocument({})
    const before = relay.relay.counters.syncAnswersEncoded
    const request = encodeSyncStep1(stateVectorOf([[4242, 1]]))
    for (let i = 0; i < 50; i++) viewer.send(request)
    await waitFor(() => viewer.frames.filter(isStep2).length === 50, 'every request answered')
    expect(relay.relay.counters.syncAnswersEncoded - before).toBe(1)
  })

  it('charges distinct requests to the asking session, which is paced', async () => {
    const { relay, viewer } = await roomWithLargeDocument({ workPerSecond: 50_000, workBurst: 10_000 })
    for (let i = 0; i < 12; i++) viewer.send(encodeSyncStep1(stateVectorOf([[4242, i + 1]])))
    await waitFor(() => viewer.frames.filter(isStep2).length === 12, 'every request answered')
    expect(relay.relay.counters.workPauses).toBeGreaterThan(0)
  })
})
