import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeAwarenessEntries } from '../../protocol/awareness.js'
import { encodeSyncStep1, encodeSyncUpdate, MessageType } from '../../protocol/messages.js'
import { sleep, text, useTestRelay, waitFor, waitSynced } from '../support/relay-fixture.js'

const ROOM = 'storm'
const fixture = useTestRelay()

/** A small pseudo-random generator, so a failing storm can be replayed from its seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

describe('a storm of misbehaving clients', () => {
  it('leaves the relay up and the honest sessions converged', async () => {
    const relay = await fixture.start({ maxFrameBytes: 64 * 1024 })
    const writers = await Promise.all(['v1', 'v3'].map(async (version, n) => {
      const client = fixture.connect(version as 'v1' | 'v3', ROOM, await relay.mint(ROOM, 'write', { sub: `honest-${n}` }))
      await waitSynced(client)
      return client
    }))
    const reader = fixture.connect('v3', ROOM, await relay.mint(ROOM, 'read', { sub: 'honest-reader' }))
    await waitSynced(reader)

    const random = generator(20261122)
    const tokens = {
      write: await relay.mint(ROOM, 'write', { sub: 'chaos-writer' }),
      read: await relay.mint(ROOM, 'read', { sub: 'chaos-reader' }),
      expired: await relay.mint(ROOM, 'write', { ttlSeconds: -60 }),
      otherRoom: await relay.mint('elsewhere', 'write'),
    }
    const tokenChoices = [tokens.write, tokens.read, tokens.expired, tokens.otherRoom, 'garbage', null]
    const attacks: Array<() => Uint8Array | string> = [
      () => randomBytes(1 + Math.floor(random() * 64)),
      () => encodeSyncUpdate(randomBytes(1 + Math.floor(random() * 64))),
      () => encodeSyncUpdate(Y.encodeStateAsUpdate(chaosDoc(random))),
      () => encodeSyncStep1(randomBytes(4)),
      () => encodeAwarenessEntries([{ clientId: writers[0]!.doc.clientID, clock: 999, state: '{"user":"spoof"}' }]),
      () => encodeAwarenessEntries([{ clientId: Math.floor(random() * 1e6), clock: 1, state: '{"x":1}' }]),
      () => new Uint8Array([MessageType.queryAwareness]),
      () => 'text frame',
      () => new Uint8Array(128 * 1024),
    ]

    const deadline = Date.now() + 3000
    let edits = 0
    let connections = 0
    // Bounded: at most 3 s and 400 connections.
    while (Date.now() < deadline && connections < 400) {
      connections++
      const token = tokenChoices[Math.floor(random() * tokenChoices.length)]!
      const client = fixture.raw(ROOM, token)
      client.ws.on('open', () => {
        const count = Math.floor(random() * 10)
        for (let i = 0; i < count && client.ws.readyState === client.ws.OPEN; i++) {
          client.send(attacks[Math.floor(random() * attacks.length)]!())
        }
        if (random() < 0.5) client.ws.terminate()
      })
      const writer = writers[edits % writers.length]!
      writer.doc.getText('text').insert(0, String(edits % 10))
      edits++
      await sleep(5)
    }

    const expected = () => text(writers[0]!.doc)
    await waitFor(
      () => expected().length >= edits && [writers[1]!, reader].every((client) => text(client.doc) === expected()),
      'honest sessions converge after the storm',
      20_000,
    )
    expect(expected().replace(/[0-9]/g, '')).toBe('')
    const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`)
    expect(health.status).toBe(200)
    expect(relay.relay.counters.readOnlyWritesDropped + relay.relay.counters.malformedFrames).toBeGreaterThan(0)
    const spoofed = writers[1]!.provider.awareness.getStates().get(writers[0]!.doc.clientID) as { user?: string } | undefined
    expect(spoofed?.user).not.toBe('spoof')
  })
})

/** An update from a writer the room has never seen: valid Yjs, harmless content in another type. */
function chaosDoc(random: () => number): Y.Doc {
  const doc = new Y.Doc()
  doc.getMap('chaos').set(`k${Math.floor(random() * 1000)}`, random())
  return doc
}
