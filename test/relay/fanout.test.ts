import { describe, expect, it } from 'vitest'
import type { Writable } from 'node:stream'
import * as ws from 'ws'
import * as Y from 'yjs'
import type { Socket } from 'node:net'
import { encodeAwarenessEntries, readAwarenessFrame } from '../../protocol/awareness.js'
import { classifyFrame, encodeSyncStep2, encodeSyncUpdate } from '../../protocol/messages.js'
import { readSyncPayload } from '../../protocol/sync.js'
import { frameBinaryMessages } from '../../relay/core/ws-frame.js'
import { sleep, text, useTestRelay, waitFor, waitSynced, type RawClient } from '../support/relay-fixture.js'

/** ws's frame parser; exported by the package but absent from its type definitions. */
const Receiver = (ws as unknown as { Receiver: new (options: { isServer: boolean }) => Writable }).Receiver

const updatesOf = (frames: Buffer[]) => frames.filter((frame) => classifyFrame(frame) === 'sync-update')

/** The text of a document built from every update a raw client received. */
function received(client: RawClient): string {
  const doc = new Y.Doc()
  for (const frame of updatesOf(client.frames)) Y.applyUpdate(doc, readSyncPayload(frame))
  return text(doc)
}

/** Sends frames in one TCP write, so the relay reads them in one event-loop turn. */
function sendInOneWrite(client: RawClient, frames: Uint8Array[]): void {
  const socket = (client.ws as unknown as { _socket: Socket })._socket
  socket.cork()
  for (const frame of frames) client.send(frame)
  socket.uncork()
}

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

  it('delivers every writer’s updates to the others, and a writer’s own only merged with others’', async () => {
    const relay = await fixture.start()
    const reader = fixture.raw(ROOM, await relay.mint(ROOM, 'read'))
    const writers = await Promise.all([1, 2, 3].map(async (n) => fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: `w${n}` }))))
    await Promise.all([reader.opened, ...writers.map((w) => w.opened)])
    const pieces = new Map<number, string[]>()
    // Three writers, interleaved in the same turns, so the relay merges them into shared flushes.
    for (let round = 0; round < 50; round++) {
      writers.forEach((writer, n) => {
        const doc = new Y.Doc()
        doc.clientID = 1000 + n * 100_000 + round
        const piece = `w${n}r${round};`
        doc.getText('text').insert(0, piece)
        pieces.set(n, [...(pieces.get(n) ?? []), piece])
        writer.send(encodeSyncUpdate(Y.encodeStateAsUpdate(doc)))
      })
    }
    const all = [...pieces.values()].flat()
    await waitFor(() => all.every((piece) => received(reader).includes(piece)), 'reader gets all 150 pieces')
    for (const [n, own] of pieces) {
      const others = all.filter((piece) => !own.includes(piece))
      await waitFor(() => others.every((piece) => received(writers[n]!).includes(piece)), `writer ${n} gets the others' 100 pieces`)
      // Its own changes may come back inside a merge with the others' (its Yjs skips them), never alone.
      for (const frame of updatesOf(writers[n]!.frames)) {
        const doc = new Y.Doc()
        Y.applyUpdate(doc, readSyncPayload(frame))
        const content = text(doc)
        if (own.some((piece) => content.includes(piece))) expect(others.some((piece) => content.includes(piece))).toBe(true)
      }
    }
  })

  it('sends the updates of one turn as one merged message, and a lone writer none of its own', async () => {
    const relay = await fixture.start()
    const reader = fixture.raw(ROOM, await relay.mint(ROOM, 'read'))
    const writer = fixture.raw(ROOM, await relay.mint(ROOM, 'write'))
    await Promise.all([reader.opened, writer.opened])
    const doc = new Y.Doc()
    const frames: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => frames.push(encodeSyncUpdate(update)))
    for (let i = 0; i < 50; i++) doc.getText('text').insert(i, String.fromCharCode(97 + (i % 26)))
    sendInOneWrite(writer, frames)
    await waitFor(() => received(reader) === text(doc), 'reader has the 50 keystrokes')
    expect(updatesOf(reader.frames)).toHaveLength(1)
    // A round trip through the relay: once the writer's own awareness echo is back, anything of its
    // own updates would have come before it.
    writer.send(encodeAwarenessEntries([{ clientId: 7, clock: 1, state: '{}' }]))
    await waitFor(() => writer.frames.some((frame) => classifyFrame(frame) === 'awareness' && frame.length > 3), 'awareness echo')
    expect(updatesOf(writer.frames)).toHaveLength(0)
  })

  it('merges a turn’s awareness into the newest state of each client', async () => {
    const relay = await fixture.start()
    const reader = fixture.raw(ROOM, await relay.mint(ROOM, 'read', { sub: 'reader' }))
    const presenter = fixture.raw(ROOM, await relay.mint(ROOM, 'write', { sub: 'presenter' }))
    await Promise.all([reader.opened, presenter.opened])
    const moves = [1, 2, 3, 4, 5].map((clock) => encodeAwarenessEntries([{ clientId: 42, clock, state: JSON.stringify({ cursor: clock }) }]))
    sendInOneWrite(presenter, moves)
    const awarenessOf = (frames: Buffer[]) => frames.filter((frame) => classifyFrame(frame) === 'awareness' && frame.length > 3)
    await waitFor(() => awarenessOf(reader.frames).length > 0, 'reader sees the presenter')
    const entries = awarenessOf(reader.frames).flatMap((frame) => readAwarenessFrame(frame))
    expect(entries).toEqual([{ clientId: 42, clock: 5, state: '{"cursor":5}' }])
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
