import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { classifyFrame, encodeSyncStep1, encodeSyncUpdate, isPermissionDenied } from '../../protocol/messages.js'
import { metric } from '../support/metrics.js'
import { sleep, text, useTestRelay, waitFor, waitSynced } from '../support/relay-fixture.js'

const fixture = useTestRelay()

function updateFrame(build: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  build(doc)
  return encodeSyncUpdate(Y.encodeStateAsUpdate(doc))
}

describe('read-only sessions', () => {
  it.each(['v1', 'v3'] as const)('with y-websocket %s: edit locally, change nobody, still follow', async (version) => {
    const relay = await fixture.start()
    const room = 'tutorial'
    const presenter = fixture.connect('v3', room, await relay.mint(room, 'write', { sub: 'ada' }))
    const viewer = fixture.connect(version, room, await relay.mint(room, 'read', { sub: 'eve' }))
    await Promise.all([waitSynced(presenter), waitSynced(viewer)])
    presenter.doc.getText('text').insert(0, 'step 1')
    await waitFor(() => text(viewer.doc) === 'step 1', 'viewer receives the first step')

    viewer.doc.getText('text').insert(0, 'VANDAL ')
    viewer.doc.getMap('meta').set('owner', 'eve')
    // A barrier: the relay has read (and dropped) the viewer's writes.
    await waitFor(async () => (await metric(relay.port, 'lectern_readonly_writes_dropped_total')) >= 2, 'the refused writes counted')
    presenter.doc.getText('text').insert(6, ', step 2')
    await waitFor(() => text(viewer.doc).endsWith('step 1, step 2'), 'viewer still follows after its refused edit')
    expect(text(presenter.doc)).toBe('step 1, step 2')
    expect(presenter.doc.getMap('meta').size).toBe(0)

    const late = fixture.connect('v1', room, await relay.mint(room, 'read'))
    await waitSynced(late)
    await waitFor(() => text(late.doc) === 'step 1, step 2', 'late joiner gets the room state')
    expect(text(late.doc)).not.toContain('VANDAL')
  })

  it('are told once with a permission-denied message and stay connected', async () => {
    const relay = await fixture.start()
    const room = 'tutorial'
    const reader = fixture.raw(room, await relay.mint(room, 'read'))
    await reader.opened
    for (let i = 0; i < 20; i++) {
      reader.send(updateFrame((doc) => doc.getText('text').insert(0, `write ${i}`)))
    }
    // sync step 2 is a write too
    const step2 = updateFrame((doc) => doc.getText('text').insert(0, 'via step 2'))
    step2[1] = 1
    reader.send(step2)
    reader.send(encodeSyncStep1(new Uint8Array([0])))
    await waitFor(() => reader.frames.some((frame) => classifyFrame(frame) === 'sync-step2'), 'step 1 answered')
    const denials = reader.frames.filter(isPermissionDenied)
    expect(denials).toHaveLength(1)
    expect(reader.ws.readyState).toBe(reader.ws.OPEN)
    expect(await metric(relay.port, 'lectern_readonly_writes_dropped_total')).toBe(21)
    const late = fixture.connect('v3', room, await relay.mint(room, 'read'))
    await waitSynced(late)
    expect(text(late.doc)).toBe('')
    reader.ws.close()
  })

  it('a lone viewer in a quiet room keeps receiving frames', async () => {
    const relay = await fixture.start({ keepaliveIntervalMs: 200 })
    const viewer = fixture.raw('quiet', await relay.mint('quiet', 'read'))
    await viewer.opened
    const arrivals: number[] = []
    viewer.ws.on('message', () => arrivals.push(Date.now()))
    const started = Date.now()
    await sleep(1500)
    const gaps = [started, ...arrivals, Date.now()].slice(1).map((time, i, all) => time - (i === 0 ? started : all[i - 1]!))
    expect(arrivals.length).toBeGreaterThanOrEqual(3)
    // Two intervals at most by design; the rest is slack for a loaded machine. Without the
    // keepalive the gap would be the whole window.
    expect(Math.max(...gaps)).toBeLessThan(1000)
    viewer.ws.close()
  })
})

describe('grant-less tokens', () => {
  it('end their session at exp with 4401', async () => {
    const relay = await fixture.start()
    const client = fixture.raw('short', await relay.mint('short', 'write', { ttlSeconds: 2 }))
    await client.opened
    const closed = await client.closed
    expect(closed).toEqual({ code: 4401, reason: 'token expired' })
  })
})
