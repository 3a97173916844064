import { describe, expect, it } from 'vitest'
import { encodeAwarenessEntries, readAwarenessFrame } from '../../protocol/awareness.js'
import { MessageType } from '../../protocol/messages.js'
import { AWARENESS_ID_RESERVATION_MS, RoomAwareness } from '../../relay/core/room-awareness.js'
import type { Session } from '../../relay/core/session.js'
import { sleep, useTestRelay, waitFor, type RawClient } from '../support/relay-fixture.js'

const ROOM = 'awareness-abuse'
const fixture = useTestRelay()

/** The clocks a receiver was sent for `clientId`. */
function clocksSeen(receiver: RawClient, clientId: number): Set<number> {
  const clocks = new Set<number>()
  for (const frame of receiver.frames) {
    if (frame[0] !== MessageType.awareness) continue
    for (const entry of readAwarenessFrame(frame)) if (entry.clientId === clientId) clocks.add(entry.clock)
  }
  return clocks
}

describe('awareness budget', () => {
  it('bounds what one session makes the room forward', async () => {
    const relay = await fixture.start({ awarenessBytesPerSecond: 1024, awarenessBytesBurst: 32 * 1024 })
    const flooder = fixture.raw(ROOM, await relay.mint(ROOM, 'read', { sub: 'flooder' }))
    const watchers: RawClient[] = []
    for (let i = 0; i < 3; i++) watchers.push(fixture.raw(ROOM, await relay.mint(ROOM, 'read', { sub: `watcher-${i}` })))
    await Promise.all([flooder.opened, ...watchers.map((watcher) => watcher.opened)])
    const bulky = JSON.stringify({ user: { name: 'flood', note: 'x'.repeat(8000) } })
    for (let clock = 1; clock <= 100; clock++) {
      flooder.send(encodeAwarenessEntries([{ clientId: 9001, clock, state: bulky }]))
      // One frame per turn: within a turn the outbox would merge them into the newest state anyway.
      await sleep(2)
    }
    await waitFor(() => relay.relay.counters.awarenessOverBudget > 0, 'budget spent')
    flooder.send(encodeAwarenessEntries([{ clientId: 9001, clock: 101, state: '{}' }]))
    await sleep(100)
    // 32 KiB of burst holds four 8 KB states; the 1 KiB/s refill adds one at most in this time.
    for (const watcher of watchers) expect(clocksSeen(watcher, 9001).size).toBeLessThanOrEqual(8)
    expect(relay.relay.counters.awarenessOverBudget).toBeGreaterThanOrEqual(90)
  })
})

describe('awareness client ids', () => {
  it('stay reserved for their subject after the session leaves', async () => {
    const relay = await fixture.start()
    const writerToken = await relay.mint(ROOM, 'write', { sub: 'ada' })
    const writer = fixture.raw(ROOM, writerToken)
    const watcher = fixture.raw(ROOM, await relay.mint(ROOM, 'read', { sub: 'watcher' }))
    await Promise.all([writer.opened, watcher.opened])
    writer.send(encodeAwarenessEntries([{ clientId: 555, clock: 1, state: '{"user":"Ada"}' }]))
    await waitFor(() => clocksSeen(watcher, 555).has(1), 'writer presence shown')
    writer.ws.close()
    await waitFor(() => clocksSeen(watcher, 555).has(2), 'writer presence removed on leave')

    // During the writer's reconnect a viewer claims the freed id.
    const impostor = fixture.raw(ROOM, await relay.mint(ROOM, 'read', { sub: 'mallory' }))
    await impostor.opened
    const droppedBefore = relay.relay.counters.awarenessDropped
    impostor.send(encodeAwarenessEntries([{ clientId: 555, clock: 3, state: '{"user":"Ada","note":"re-enter your password"}' }]))
    await waitFor(() => relay.relay.counters.awarenessDropped === droppedBefore + 1, 'impostor dropped')

    const back = fixture.raw(ROOM, writerToken)
    await back.opened
    back.send(encodeAwarenessEntries([{ clientId: 555, clock: 4, state: '{"user":"Ada"}' }]))
    await waitFor(() => clocksSeen(watcher, 555).has(4), 'returning writer reclaims its id')
    expect(clocksSeen(watcher, 555).has(3)).toBe(false)
  })
})

describe('an awareness id reservation', () => {
  it('ends after its time, and the id is free again', () => {
    let now = 1_000_000
    const awareness = new RoomAwareness(4, () => now)
    const session = (sub: string) => ({ sub, awarenessIds: null }) as unknown as Session
    const ada = session('ada')
    const frame = (clock: number) => encodeAwarenessEntries([{ clientId: 7, clock, state: '{}' }])
    expect(awareness.apply(ada, frame(1)).action).toBe('forward')
    awareness.removeSession(ada)
    expect(awareness.apply(session('mallory'), frame(3)).action).toBe('foreign-client')
    now += AWARENESS_ID_RESERVATION_MS
    expect(awareness.apply(session('bob'), frame(4)).action).toBe('forward')
  })
})
