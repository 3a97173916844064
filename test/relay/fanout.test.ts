import { describe, expect, it } from 'vitest'
import type { Writable } from 'node:stream'
import * as ws from 'ws'
import * as Y from 'yjs'
import { classifyFrame, encodeSyncStep2, encodeSyncUpdate } from '../../protocol/messages.js'
import { readSyncPayload } from '../../protocol/sync.js'
import { frameBinaryMessages } from '../../relay/core/ws-frame.js'
import { sleep, text, useTestRelay, waitFor, waitSynced } from '../support/relay-fixture.js'

/** ws's frame parser; exported by the package but absent from its type definitions. */
const Receiver = (ws as unknown as { Receiver: new (options: { isServer: boolean }) => Writable }).Receiver

describe('framing once for every receiver', () => {
  it('produces frames that a WebSocket client parses, at every length encoding', async () => {
    const sizes = [0, 1, 125, 126, 127, 65_535, 65_536, 300_000]
    const payloads = sizes.map((size, i) => new Uint8Array(size).fill(i + 1))
    const receiver = new Receiver({ isServer: false })
    const received: Buffer[] = []
    receiver.on('message', (data: Buffer) => received.push(Buffer.from(data)))
    await new Promise<void>((resolve, reject) => receiver.write(frameBinaryMessages(payloads), (error?: Error | null) => (error ? reject(error) : resolve())))
    expect(received.map((message) => message.length)).toEqual(sizes)
    received.forEach((message, i) => expect(message.every((byte) => byte === i + 1)).toBe(true))
  })
})

describe('fan-out', () => {
  const fixture = useTestRelay()
  const ROOM = 'fanout'

  it('forwards each writer’s updates in order, byte for byte, and never back to the writer', async () => {
    const relay = await fixture.start()
    const reader = fixture.raw(ROOM, await relay.mint(ROOM, 'read'))
    const writers = await Promise.all([1, 2, 3].map(async (n) => fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: `w${n}` }))))
    await Promise.all([reader.opened, ...writers.map((w) => w.opened)])
    await sleep(50)
    const sent = new Map<number, Uint8Array[]>()
    // Three writers, interleaved in the same turns, so the relay coalesces them.
    for (let round = 0; round < 50; round++) {
      writers.forEach((writer, n) => {
        const doc = new Y.Doc()
        doc.clientID = 1000 + n * 100_000 + round
        doc.getText('text').insert(0, `w${n}r${round} `)
        const frame = encodeSyncUpdate(Y.encodeStateAsUpdate(doc))
        sent.set(n, [...(sent.get(n) ?? []), frame])
        writer.send(frame)
      })
    }
    const updatesOf = (frames: Buffer[]) => frames.filter((frame) => classifyFrame(frame) === 'sync-update')
    await waitFor(() => updatesOf(reader.frames).length === 150, 'reader gets all 150 updates')
    const received = updatesOf(reader.frames).map((frame) => Buffer.from(frame).toString('hex'))
    for (const [n, frames] of sent) {
      const positions = frames.map((frame) => received.indexOf(Buffer.from(frame).toString('hex')))
      expect(positions.every((position) => position >= 0)).toBe(true)
      expect(positions).toEqual([...positions].sort((a, b) => a - b))
      const ownEchoes = updatesOf(writers[n]!.frames).filter((frame) => frames.some((mine) => Buffer.from(mine).equals(frame)))
      expect(ownEchoes).toHaveLength(0)
      expect(updatesOf(writers[n]!.frames)).toHaveLength(100)
    }
  })

  it('forwards only what a sync step 2 changed, as a plain update', async () => {
    const relay = await fixture.start()
    const base = new Y.Doc()
    base.getText('text').insert(0, 'x'.repeat(5000))
    const first = fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: 'first' }))
    await first.opened
    first.send(encodeSyncUpdate(Y.encodeStateAsUpdate(base)))
    await waitFor(() => relay.relay.rooms.get(ROOM)?.doc.getText('text').length === 5000, 'base applied')
    await sleep(20)
    const reader = fixture.raw(ROOM, await relay.mint(ROOM, 'read'))
    await reader.opened
    // A reconnecting client answers step 1 with its whole document: the 5,000 characters the room
    // has, plus one new edit.
    const reconnecting = new Y.Doc()
    Y.applyUpdate(reconnecting, Y.encodeStateAsUpdate(base))
    reconnecting.getText('text').insert(0, 'new ')
    const step2 = encodeSyncStep2(Y.encodeStateAsUpdate(reconnecting))
    const second = fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: 'second' }))
    await second.opened
    second.send(step2)
    await waitFor(() => reader.frames.some((frame) => classifyFrame(frame) === 'sync-update'), 'reader gets the change')
    const forwarded = reader.frames.filter((frame) => classifyFrame(frame) === 'sync-update')
    expect(forwarded).toHaveLength(1)
    expect(forwarded[0]!.length).toBeLessThan(step2.length / 10)
    const mirror = new Y.Doc()
    Y.applyUpdate(mirror, Y.encodeStateAsUpdate(base))
    Y.applyUpdate(mirror, readSyncPayload(forwarded[0]!))
    expect(text(mirror)).toBe(`new ${'x'.repeat(5000)}`)
  })

  it('converges a room of many writers and readers', async () => {
    const relay = await fixture.start()
    const writers = await Promise.all(
      [0, 1, 2, 3].map(async (n) => fixture.connect(n % 2 ? 'v1' : 'v3', ROOM, await relay.mint(ROOM, 'write', { sub: `w${n}` }))),
    )
    const readers = await Promise.all(
      [0, 1, 2, 3].map(async (n) => fixture.connect(n % 2 ? 'v3' : 'v1', ROOM, await relay.mint(ROOM, 'read', { sub: `r${n}` }))),
    )
    await Promise.all([...writers, ...readers].map(waitSynced))
    for (let i = 0; i < 100; i++) {
      const writer = writers[i % writers.length]!
      const t = writer.doc.getText('text')
      t.insert(Math.floor(t.length / 2), String.fromCharCode(97 + (i % 26)))
    }
    const expected = () => text(writers[0]!.doc)
    await waitFor(
      () => expected().length === 100 && [...writers, ...readers].every((client) => text(client.doc) === expected()),
      'every session holds the same 100 characters',
    )
  })
})
