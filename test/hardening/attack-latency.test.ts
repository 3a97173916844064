import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeSyncStep1, encodeSyncUpdate } from '../../protocol/messages.js'
import { text, useTestRelay, waitFor, waitSynced, type TestRelay } from '../support/relay-fixture.js'
import { fragmentedDoc, gcStructsUpdate, stateVectorOf } from '../support/updates.js'

/**
 * An attacker in one room, honest typing in another: the attack must be refused or paced (asserted
 * on counters), and the other room's edit latency is reported, not asserted (no wall-clock limits
 * in unit tests; the figure depends on the machine's load).
 */
const fixture = useTestRelay()

/** Types one character every 20 ms in `room` for `ms`, and returns the edit-to-reader latencies. */
async function honestLatencies(relay: TestRelay, room: string, during: () => Promise<void>): Promise<number[]> {
  const writer = fixture.connect('v3', room, await relay.mint(room, 'write', { sub: 'typist' }))
  const reader = fixture.connect('v3', room, await relay.mint(room, 'read', { sub: 'reader' }))
  await Promise.all([waitSynced(writer), waitSynced(reader)])
  const sentAt = new Map<number, number>()
  const latencies: number[] = []
  reader.doc.getText('text').observe(() => {
    const length = text(reader.doc).length
    const started = sentAt.get(length)
    if (started !== undefined) latencies.push(performance.now() - started)
  })
  let typing = true
  const typist = (async () => {
    while (typing) {
      writer.doc.getText('text').insert(text(writer.doc).length, 'k')
      sentAt.set(text(writer.doc).length, performance.now())
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  await during()
  typing = false
  await typist
  return latencies
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b)
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN)
  return `${sorted.length} edits, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`
}

describe('another room during an attack', () => {
  it('struct bombs: four 15 MiB frames of 7.9 million structs, then a stream of frames just under the bound', async () => {
    const relay = await fixture.start()
    const attacker = fixture.raw('bombed', await relay.mint('bombed', 'write', { sub: 'mallory' }))
    await attacker.opened
    const latencies = await honestLatencies(relay, 'quiet', async () => {
      for (let i = 0; i < 4; i++) attacker.send(encodeSyncUpdate(gcStructsUpdate(100 + i, 7_900_000)))
      for (let i = 0; i < 10; i++) attacker.send(encodeSyncUpdate(gcStructsUpdate(200 + i, 99_000)))
      await waitFor(() => relay.relay.counters.oversizedUpdates === 4, 'every bomb refused', 60_000)
      await new Promise((resolve) => setTimeout(resolve, 3000))
    })
    expect(relay.relay.counters.workPauses).toBeGreaterThan(0)
    console.log(`struct bombs in another room: ${summary(latencies)}`)
  }, 120_000)

  it('sync step 1 from a viewer of a large document, 50 distinct requests a second', async () => {
    const relay = await fixture.start()
    const author = fixture.connect('v3', 'large', await relay.mint('large', 'write', { sub: 'author' }))
    await waitSynced(author)
    Y.applyUpdate(author.doc, Y.encodeStateAsUpdate(fragmentedDoc(99_000)))
    await waitFor(() => relay.relay.rooms.get('large')?.doc.getText('text').length === 99_000, 'large document built', 60_000)
    const viewer = fixture.raw('large', await relay.mint('large', 'read', { sub: 'viewer' }))
    await viewer.opened
    const encodedBefore = relay.relay.counters.syncAnswersEncoded
    const latencies = await honestLatencies(relay, 'quiet', async () => {
      for (let i = 0; i < 150; i++) {
        viewer.send(encodeSyncStep1(stateVectorOf([[4242, 1 + (i % 1000)]])))
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })
    const encoded = relay.relay.counters.syncAnswersEncoded - encodedBefore
    expect(relay.relay.counters.workPauses).toBeGreaterThan(0)
    console.log(`step 1 flood in another room: ${summary(latencies)}; ${encoded} of 150 requests encoded within the run`)
  }, 120_000)
})
