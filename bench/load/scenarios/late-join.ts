/**
 * Scenario D: one writer builds a large document from many small typing updates as fast as the
 * server takes them (a bounded number not yet seen by an observer in the room), then readers join
 * late, one after another, and each must receive the whole document.
 */
import * as Y from 'yjs'
import type { RunResult } from '../../spec.js'
import type { RunContext } from '../context.js'
import { SETTLE_MS } from '../context.js'
import { DeliveryLedger } from '../deliveries.js'
import { measureWindow, windowMetrics } from '../probe.js'
import { BenchSession } from '../session.js'
import { Verdict } from '../verdict.js'
import { sleep, waitUntil } from '../wait.js'
import { AppendTypist } from '../append-typist.js'
import { markerText } from '../markers.js'
import { documentText } from '../writer.js'

const ROOM = 'novel'
/** Edits sent but not yet seen by the observer. */
const BUILD_WINDOW = 200
const BUILD_TIMEOUT_MS = 240_000
/** The writer's Yjs client id; any fixed number works, a document has one writer here. */
const WRITER_CLIENT_ID = 4_000_000

export async function lateJoin(context: RunContext, spec: { updates: number; joins: number }): Promise<RunResult> {
  const { wire, url, mint } = context
  const writer = new BenchSession(wire, url, ROOM, await mint(ROOM, 'write'))
  const observer = new BenchSession(wire, url, ROOM, await mint(ROOM, 'read'))
  await Promise.all([writer.ready, observer.ready])
  const typist = new AppendTypist(WRITER_CLIENT_ID, 't')
  const typed: string[] = []
  let sent = 0
  let observed = 0
  let pumpQueued = false
  const pump = () => {
    pumpQueued = false
    while (sent < spec.updates && sent - observed < BUILD_WINDOW) {
      // No timestamp: the build is measured by its rate, not per-edit latency.
      const text = markerText(0, sent++, 0)
      typed.push(text)
      writer.send(wire.frame(ROOM, 'update', typist.type(text)))
    }
  }
  const ledger = new DeliveryLedger()
  observer.onDocumentFrame = ledger.receiver({ first: 0, count: 1 }, -1, (seq) => {
    observed = seq + 1
    if (!pumpQueued) {
      pumpQueued = true
      setImmediate(pump)
    }
  })
  await sleep(SETTLE_MS)
  const build = await measureWindow(async () => {
    pump()
    await waitUntil(() => observed === spec.updates, BUILD_TIMEOUT_MS)
  })
  const verdict = new Verdict()
  verdict.expectAllDelivered(ledger, () => spec.updates - 1, spec.updates)
  await sleep(SETTLE_MS)

  const joinTokens = await Promise.all(Array.from({ length: spec.joins }, () => mint(ROOM, 'read')))
  const joinMillis: number[] = []
  const received: Uint8Array[] = []
  const joins = await measureWindow(async () => {
    for (const token of joinTokens) {
      const started = performance.now()
      const late = new BenchSession(wire, url, ROOM, token)
      await late.ready
      joinMillis.push(performance.now() - started)
      received.push(late.firstStep2!)
      late.close()
    }
  })
  const expected = typed.join('')
  const wrong = received.filter((update) => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    return documentText(doc) !== expected
  }).length
  verdict.expect(wrong === 0, `${wrong} of ${received.length} late joiners got a different document`)
  writer.close()
  observer.close()
  joinMillis.sort((a, b) => a - b)
  return {
    metrics: {
      ...windowMetrics(build),
      updates: spec.updates,
      // The whole document as the server encodes it for a joiner.
      documentKB: (received[0]?.length ?? 0) / 1024,
      buildUpdatesPerSecond: spec.updates / build.wallSeconds,
      buildServerCpuMicrosPerUpdate: (build.serverCpuSeconds * 1e6) / spec.updates,
      joinMedianMs: joinMillis[Math.floor(joinMillis.length / 2)]!,
      joinMaxMs: joinMillis[joinMillis.length - 1]!,
      joinServerCpuMs: (joins.serverCpuSeconds * 1000) / spec.joins,
      serverPeakRssMB: joins.serverPeakRssBytes / 2 ** 20,
    },
    correct: verdict.correct,
    correctness: verdict.summary,
  }
}
