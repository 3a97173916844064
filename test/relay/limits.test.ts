import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { encodeAwarenessEntries } from '../../protocol/awareness.js'
import { classifyFrame, encodeSyncStep1, encodeSyncUpdate } from '../../protocol/messages.js'
import { metric } from '../support/metrics.js'
import { sleep, text, useTestRelay, waitFor, waitSynced, type RawClient, type TestClient } from '../support/relay-fixture.js'

const ROOM = 'limits'
const fixture = useTestRelay()

async function writer(sub = 'writer'): Promise<TestClient> {
  const client = fixture.connect('v3', ROOM, await fixture.relay.mint(ROOM, 'write', { sub }))
  await waitSynced(client)
  return client
}

async function raw(scope: 'read' | 'write' = 'write'): Promise<RawClient> {
  const client = fixture.raw(ROOM, await fixture.relay.mint(ROOM, scope))
  await client.opened
  return client
}

function wrapUpdate(payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

describe('bad input', () => {
  it('malformed, unknown and garbage frames never harm the room', async () => {
    const relay = await fixture.start()
    const a = await writer('a')
    const b = await writer('b')
    a.doc.getText('text').insert(0, 'intact')
    await waitFor(() => text(b.doc) === 'intact', 'first edit arrives')
    const attacker = await raw()
    const frames: Uint8Array[] = [
      new Uint8Array([]),
      new Uint8Array([0]),
      new Uint8Array([0, 9, 1]),
      new Uint8Array([0, 2, 200, 200, 1]),
      new Uint8Array([0, 0, 50]),
      new Uint8Array([7, 1, 2]),
      new Uint8Array([200, 1, 0]),
      new Uint8Array([2, 0, 3, 65, 66, 67]),
      new Uint8Array([3]),
    ]
    for (let i = 0; i < 300; i++) frames.push(wrapUpdate(randomBytes(1 + (i % 64))))
    for (let i = 0; i < 100; i++) frames.push(randomBytes(1 + (i % 32)))
    const framesBefore = await metric(relay.port, 'lectern_frames_in_total')
    for (const frame of frames) attacker.send(frame)
    // A barrier: every frame the attacker sent has been read.
    await waitFor(async () => (await metric(relay.port, 'lectern_frames_in_total')) >= framesBefore + frames.length, 'all frames read')
    expect(attacker.ws.readyState).toBe(attacker.ws.OPEN)
    const refused = (await metric(relay.port, 'lectern_malformed_frames_total')) + (await metric(relay.port, 'lectern_failed_updates_total'))
    // The nine hand-made frames are malformed or unknown, the 300 random updates mostly fail to apply.
    expect(refused).toBeGreaterThanOrEqual(9)

    b.doc.getText('text').insert(6, ' and well')
    await waitFor(() => text(a.doc) === 'intact and well', 'writers still converge')
    const late = fixture.connect('v1', ROOM, await relay.mint(ROOM, 'read'))
    await waitSynced(late)
    expect(text(late.doc)).toBe('intact and well')
    const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`)
    expect(health.status).toBe(200)
  })

  it('refuses an update that declares millions of structs in a few bytes', async () => {
    const relay = await fixture.start()
    const a = await writer('a')
    const b = await writer('b')
    const attacker = await raw()
    // One client with 32,676,149 structs, in 12 bytes: Yjs would preallocate an array that long.
    const bomb = wrapUpdate(new Uint8Array([1, 0xb5, 0xb2, 0xca, 0x0f, 0x94, 0x4a, 0xec, 0x53, 0x73, 0x73, 0x34]))
    for (let i = 0; i < 20; i++) attacker.send(bomb)
    await waitFor(async () => (await metric(relay.port, 'lectern_failed_updates_total')) === 20, 'every bomb refused')
    a.doc.getText('text').insert(0, 'unharmed')
    await waitFor(() => text(b.doc) === 'unharmed', 'room still works')
  })

  it('drops awareness states that are not JSON: clients would fail to parse them', async () => {
    const relay = await fixture.start()
    const a = await writer('a')
    const b = await writer('b')
    const attacker = await raw()
    attacker.send(encodeAwarenessEntries([{ clientId: 777, clock: 1, state: '{"user": "mallory"' }]))
    a.provider.awareness.setLocalStateField('user', 'ada')
    await waitFor(() => b.provider.awareness.getStates().has(a.doc.clientID), 'valid awareness flows')
    expect(b.provider.awareness.getStates().has(777)).toBe(false)
    expect(await metric(relay.port, 'lectern_malformed_frames_total')).toBe(1)
  })

  it('an update that fails to apply is not forwarded', async () => {
    const relay = await fixture.start()
    await writer()
    const sender = await raw()
    const watcher = await raw('read')
    // The watcher asks for the document and gets it: what it receives from then on is forwarded traffic.
    watcher.send(encodeSyncStep1(new Uint8Array([0])))
    await waitFor(() => watcher.frames.some((frame) => classifyFrame(frame) === 'sync-step2'), 'watcher synced')
    const before = watcher.frames.length
    const garbage = 200
    for (let i = 0; i < garbage; i++) sender.send(wrapUpdate(randomBytes(8 + (i % 40))))
    // A round-trip barrier: a valid update sent after the garbage reaches the watcher after it.
    const marker = new Y.Doc()
    marker.getText('text').insert(0, 'marker')
    const markerFrame = wrapUpdate(Y.encodeStateAsUpdate(marker))
    sender.send(markerFrame)
    const isMarker = (frame: Uint8Array) => Buffer.from(frame).equals(Buffer.from(markerFrame))
    await waitFor(() => watcher.frames.slice(before).some(isMarker), 'the marker arrives after the garbage')
    const forwarded = watcher.frames.slice(before).filter((frame) => frame[0] === 0 && !isMarker(frame)).length
    const failed = await metric(relay.port, 'lectern_failed_updates_total')
    // Random bytes mostly fail to decode; those stay local. Only the ones Yjs accepted may travel.
    expect(failed).toBeGreaterThan(garbage / 2)
    expect(forwarded).toBe(garbage - failed)
  })

  it('closes a session that sends text frames with 1003', async () => {
    await fixture.start()
    const client = await raw()
    client.send('{"hello":"json"}')
    expect((await client.closed).code).toBe(1003)
  })

  it('closes a session whose frame is over the maximum size with 1009', async () => {
    await fixture.start({ maxFrameBytes: 4096 })
    const client = await raw()
    client.send(encodeSyncUpdate(new Uint8Array(10_000)))
    expect((await client.closed).code).toBe(1009)
  })
})

describe('flow control', () => {
  it('slows a flooding writer down without dropping its writes', async () => {
    const relay = await fixture.start({ rateFramesPerSecond: 200, rateFramesBurst: 20 })
    const flooder = await writer('flooder')
    const follower = await writer('follower')
    const t = flooder.doc.getText('text')
    for (let i = 0; i < 300; i++) t.insert(t.length, String(i % 10))
    await waitFor(() => text(follower.doc).length === 300, 'every write arrives')
    expect(text(follower.doc)).toBe(text(flooder.doc))
    expect(await metric(relay.port, 'lectern_rate_limit_pauses_total')).toBeGreaterThan(0)
  })

  it('closes a receiver that falls behind with 4508, and others keep up', async () => {
    const relay = await fixture.start({ sendHighWaterBytes: 256 * 1024, rateBytesPerSecond: 1 << 30, rateBytesBurst: 1 << 30 })
    const source = await writer('source')
    const healthy = await writer('healthy')
    const stalled = await raw('read')
    // Stop reading: the relay's send buffer for this session can only grow.
    ;(stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    // The kernel absorbs tens of MB on loopback before the relay's own buffer grows: keep writing
    // (bounded) until the relay gives up on the stalled session.
    const blobs = source.doc.getMap('blobs')
    for (let i = 0; i < 200 && (await metric(relay.port, 'lectern_slow_receiver_closes_total')) === 0; i++) {
      blobs.set('blob', `${i}:${'y'.repeat(512 * 1024)}`)
      await sleep(5)
    }
    expect(await metric(relay.port, 'lectern_slow_receiver_closes_total')).toBe(1)
    const last = blobs.get('blob') as string
    await waitFor(() => healthy.doc.getMap('blobs').get('blob') === last, 'healthy receiver keeps up', 20_000)
    ;(stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume()
    expect((await stalled.closed).code).toBe(4508)
    await waitFor(async () => (await metric(relay.port, 'lectern_sessions')) === 2, 'stalled session removed')
  })
})

describe('dead peers', () => {
  it('are dropped when they stop answering pings', async () => {
    const relay = await fixture.start({ pingIntervalMs: 200 })
    const alive = await raw('read')
    const dead = await raw('read')
    // A peer that reads nothing answers no ping, like a laptop that went to sleep.
    ;(dead.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    await waitFor(async () => (await metric(relay.port, 'lectern_sessions')) === 1, 'dead peer dropped', 5000)
    expect(alive.ws.readyState).toBe(alive.ws.OPEN)
  })
})

describe('health and metrics', () => {
  it('reports sessions, rooms and traffic', async () => {
    const relay = await fixture.start()
    const a = await writer('a')
    const b = await writer('b')
    a.doc.getText('text').insert(0, 'counted')
    await waitFor(() => text(b.doc) === 'counted', 'the edit went through the relay')
    const health = (await (await fetch(`http://127.0.0.1:${relay.port}/healthz`)).json()) as Record<string, unknown>
    expect(health).toMatchObject({ status: 'ok', rooms: 1, sessions: 2 })
    const metrics = await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text()
    expect(metrics).toMatch(/^lectern_sessions 2$/m)
    expect(metrics).toMatch(/^lectern_rooms 1$/m)
    expect(metrics).toMatch(/^lectern_frames_in_total [1-9]\d*$/m)
    expect(metrics).toMatch(/^lectern_frames_out_total [1-9]\d*$/m)
    expect(metrics).toMatch(/^process_cpu_seconds_total /m)
  })
})
