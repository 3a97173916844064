import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeAwarenessEntries, readAwarenessFrame } from '../../protocol/awareness.js'
import { MessageType } from '../../protocol/messages.js'
import {
  connectClient,
  rawClient,
  sleep,
  startTestRelay,
  waitFor,
  waitSynced,
  type RawClient,
  type TestClient,
  type TestRelay,
} from '../support/relay-fixture.js'

const ROOM = 'awareness-room'
let relay: TestRelay
const clients: TestClient[] = []
const raws: RawClient[] = []

beforeEach(async () => {
  relay = await startTestRelay({ maxAwarenessClientsPerSession: 3 })
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  for (const raw of raws.splice(0)) raw.ws.terminate()
  await relay.dispose()
})

async function provider(sub: string): Promise<TestClient> {
  const client = connectClient('v3', relay.url, ROOM, await relay.mint(ROOM, 'write', { sub }))
  clients.push(client)
  await waitSynced(client)
  return client
}

async function attacker(): Promise<RawClient> {
  const raw = rawClient(relay.url, ROOM, await relay.mint(ROOM, 'read', { sub: 'mallory' }))
  raws.push(raw)
  await raw.opened
  return raw
}

function userOf(observer: TestClient, subject: TestClient): unknown {
  const state = observer.provider.awareness.getStates().get(subject.doc.clientID) as { user?: unknown } | undefined
  return state?.user
}

describe('awareness', () => {
  it('is relayed between sessions and removed when a session leaves', async () => {
    const ada = await provider('ada')
    const bob = await provider('bob')
    ada.provider.awareness.setLocalStateField('user', 'ada')
    await waitFor(() => userOf(bob, ada) === 'ada', 'bob sees ada')
    ada.provider.disconnect()
    await waitFor(() => !bob.provider.awareness.getStates().has(ada.doc.clientID), "ada's state removed for bob")
  })

  it('drops updates that set or remove another session’s state', async () => {
    const ada = await provider('ada')
    const bob = await provider('bob')
    ada.provider.awareness.setLocalStateField('user', 'ada')
    await waitFor(() => userOf(bob, ada) === 'ada', 'bob sees ada')
    const mallory = await attacker()
    const target = ada.doc.clientID
    mallory.send(encodeAwarenessEntries([{ clientId: target, clock: 1000, state: JSON.stringify({ user: 'mallory' }) }]))
    mallory.send(encodeAwarenessEntries([{ clientId: target, clock: 1001, state: 'null' }]))
    // A mixed update (own id plus a foreign one) is dropped whole.
    mallory.send(
      encodeAwarenessEntries([
        { clientId: 424242, clock: 1, state: JSON.stringify({ user: 'mallory' }) },
        { clientId: target, clock: 1002, state: 'null' },
      ]),
    )
    await sleep(200)
    expect(userOf(bob, ada)).toBe('ada')
    expect(bob.provider.awareness.getStates().has(424242)).toBe(false)
    expect(relay.relay.counters.awarenessDropped).toBe(3)
  })

  it('lets a read-only session show its own presence, within the per-session cap', async () => {
    const bob = await provider('bob')
    const viewer = await attacker()
    const ids = [9001, 9002, 9003, 9004]
    for (const clientId of ids) {
      viewer.send(encodeAwarenessEntries([{ clientId, clock: 1, state: JSON.stringify({ user: `viewer-${clientId}` }) }]))
    }
    await waitFor(() => bob.provider.awareness.getStates().has(9003), 'bob sees the viewer')
    await sleep(100)
    expect(bob.provider.awareness.getStates().has(9004)).toBe(false)
    // The sender hears its own update back (a keepalive for quiet viewers).
    const echoed = viewer.frames.filter((frame) => frame[0] === MessageType.awareness).flatMap((f) => readAwarenessFrame(f))
    expect(echoed.map((entry) => entry.clientId)).toEqual(expect.arrayContaining([9001, 9002, 9003]))
    viewer.ws.close()
    await waitFor(() => !bob.provider.awareness.getStates().has(9001), 'viewer states removed on leave')
  })

  it('sends the current states to a joining session and answers a query', async () => {
    const ada = await provider('ada')
    ada.provider.awareness.setLocalStateField('user', 'ada')
    await sleep(50)
    const late = await attacker()
    await waitFor(() => late.frames.some((frame) => frame[0] === MessageType.awareness), 'join snapshot')
    const states = late.frames.filter((frame) => frame[0] === MessageType.awareness).flatMap((f) => readAwarenessFrame(f))
    expect(states.find((entry) => entry.clientId === ada.doc.clientID)?.state).toContain('"user":"ada"')
    const before = late.frames.length
    late.send(new Uint8Array([MessageType.queryAwareness]))
    await waitFor(() => late.frames.length > before, 'query answered')
  })

  it('drops malformed awareness without harming the room', async () => {
    const ada = await provider('ada')
    const bob = await provider('bob')
    const mallory = await attacker()
    mallory.send(new Uint8Array([MessageType.awareness, 5, 200, 1, 2]))
    mallory.send(new Uint8Array([MessageType.awareness, 3, 255, 255, 255]))
    ada.provider.awareness.setLocalStateField('user', 'ada')
    await waitFor(() => userOf(bob, ada) === 'ada', 'awareness still flows')
  })
})
