import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { connectClient, startTestRelay, text, waitFor, waitSynced, type TestClient, type TestRelay } from '../support/relay-fixture.js'

let relay: TestRelay
const clients: TestClient[] = []

beforeEach(async () => {
  relay = await startTestRelay()
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await relay.dispose()
})

function track(client: TestClient): TestClient {
  clients.push(client)
  return client
}

describe('unmodified y-websocket clients', () => {
  it('converge through the relay, 1.5.4 and 3.x together', async () => {
    const room = 'json:notebook:0b7c5e2a-3f'
    const a = track(connectClient('v1', relay.url, room, await relay.mint(room, 'write', { sub: 'ada' })))
    const b = track(connectClient('v3', relay.url, room, await relay.mint(room, 'write', { sub: 'bob' })))
    await Promise.all([waitSynced(a), waitSynced(b)])
    a.doc.getText('text').insert(0, 'hello ')
    b.doc.getText('text').insert(0, 'world ')
    await waitFor(() => text(a.doc) === text(b.doc) && text(a.doc).length === 12, 'both edits on both sides')
    expect(text(a.doc)).toContain('hello ')
    expect(text(a.doc)).toContain('world ')
  })

  it('gives a late joiner the whole document, for a room name with a slash', async () => {
    const room = 'course-101/week-3'
    const writer = track(connectClient('v3', relay.url, room, await relay.mint(room, 'write')))
    await waitSynced(writer)
    const map = writer.doc.getMap('cells')
    for (let i = 0; i < 50; i++) map.set(`cell-${i}`, `print(${i})`)
    const late = track(connectClient('v1', relay.url, room, await relay.mint(room, 'read'), new Y.Doc()))
    await waitFor(() => late.doc.getMap('cells').size === 50, 'late joiner has all cells')
    expect(late.doc.getMap('cells').get('cell-49')).toBe('print(49)')
  })

  it.each(['v1', 'v3'] as const)('bring in a %s change built on one that reached the client another way', async (version) => {
    const room = 'side-channel'
    const ada = track(connectClient(version, relay.url, room, await relay.mint(room, 'write', { sub: 'ada' })))
    const reader = track(connectClient('v3', relay.url, room, await relay.mint(room, 'read', { sub: 'reader' })))
    await Promise.all([waitSynced(ada), waitSynced(reader)])
    // Bob's change reaches Ada the way y-websocket's BroadcastChannel delivers one: applied with
    // her provider as origin, so the provider does not send it on. Her own edit builds on it.
    const bob = new Y.Doc()
    bob.getText('text').insert(0, 'bob ')
    Y.applyUpdate(ada.doc, Y.encodeStateAsUpdate(bob), ada.provider)
    ada.doc.getText('text').insert(4, 'ada')
    await waitFor(() => text(reader.doc) === 'bob ada', 'the reader has both changes')
  })
})
