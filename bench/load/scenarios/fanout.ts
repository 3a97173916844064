/**
 * Scenario A: one writer, N readers in one room. Open loop: edits at a fixed rate, latency of
 * every delivery. Closed loop: as many edits as the server delivers, with a bounded number not yet
 * at every reader, for delivered edits per second.
 */
import * as Y from 'yjs'
import { monotonicMicros } from '../../clock.js'
import type { ClientKind, RunResult } from '../../spec.js'
import { openAll } from '../connect.js'
import { CONNECT_DEADLINE_MS, drainTimeoutMs, mintMany, SETTLE_MS, spreadSample, type RunContext } from '../context.js'
import { DeliveryLedger } from '../deliveries.js'
import { runOpenLoop } from '../open-loop.js'
import { measureWindow, windowMetrics } from '../probe.js'
import { BenchSession } from '../session.js'
import { openLoopResult, Verdict } from '../verdict.js'
import { sleep, waitUntil } from '../wait.js'
import { TypingWriter } from '../writer.js'

const ROOM = 'fanout'
/** Readers that also apply every update to a document, compared with the writer's at the end. */
const DOCUMENT_READERS = 8
/** Closed loop: never more edits than this sent but not yet at every reader. */
export const CLOSED_LOOP_MAX_EDITS = 500_000

interface FanoutRoom {
  writer: TypingWriter
  readers: BenchSession[]
}

async function openFanoutRoom(
  context: RunContext,
  readerCount: number,
  client: ClientKind,
  ledger: DeliveryLedger,
  onEdit?: (seq: number) => void,
): Promise<FanoutRoom> {
  const { wire, url, mint } = context
  const writer = new TypingWriter(wire, url, ROOM, await mint(ROOM, 'write'), 0)
  await writer.session.ready
  const tokens = await mintMany(mint, readerCount, () => ROOM, 'read')
  const withDocument = spreadSample(readerCount, DOCUMENT_READERS)
  const readers = await openAll(
    readerCount,
    (index) => {
      const session = new BenchSession(wire, url, ROOM, tokens[index]!, withDocument.has(index) ? new Y.Doc() : null, client)
      session.onDocumentFrame = ledger.receiver({ first: 0, count: 1 }, -1, onEdit)
      return session
    },
    (session) => session,
    CONNECT_DEADLINE_MS,
  )
  await sleep(SETTLE_MS)
  return { writer, readers }
}

function judge(room: FanoutRoom, ledger: DeliveryLedger, edits: number): Verdict {
  const verdict = new Verdict()
  verdict.expectAllDelivered(ledger, () => edits - 1, edits * room.readers.length)
  const docs = room.readers.flatMap((reader) => (reader.doc ? [reader.doc] : []))
  verdict.expectConverged(room.writer.doc, docs, 'reader')
  return verdict
}

function closeRoom(room: FanoutRoom): void {
  room.writer.session.close()
  for (const reader of room.readers) reader.close()
}

export async function fanoutOpenLoop(
  context: RunContext,
  spec: { readers: number; rate: number; seconds: number; client: ClientKind },
): Promise<RunResult> {
  const ledger = new DeliveryLedger()
  const room = await openFanoutRoom(context, spec.readers, spec.client, ledger)
  const edits = Math.round(spec.rate * spec.seconds)
  const expected = edits * spec.readers
  const window = await measureWindow(async () => {
    await runOpenLoop(edits, spec.rate, (seq, dueMicros) => room.writer.type(seq, dueMicros))
    await waitUntil(() => ledger.delivered >= expected, drainTimeoutMs(spec.seconds))
  })
  const verdict = judge(room, ledger, edits)
  closeRoom(room)
  return openLoopResult(window, ledger, edits, expected, verdict)
}

export async function fanoutClosedLoop(
  context: RunContext,
  spec: { readers: number; window: number; seconds: number; client: ClientKind },
): Promise<RunResult> {
  const ledger = new DeliveryLedger()
  const arrivals = new Uint32Array(CLOSED_LOOP_MAX_EDITS)
  let sent = 0
  let completed = 0
  let sending = true
  let pumpQueued = false
  // Each reader receives edits in order, so an edit every reader has means all before it arrived too.
  const onEdit = (seq: number) => {
    if (++arrivals[seq]! !== spec.readers) return
    completed = seq + 1
    if (!pumpQueued) {
      pumpQueued = true
      setImmediate(pump)
    }
  }
  const room = await openFanoutRoom(context, spec.readers, spec.client, ledger, onEdit)
  function pump(): void {
    pumpQueued = false
    while (sending && sent < CLOSED_LOOP_MAX_EDITS && sent - completed < spec.window) {
      room.writer.type(sent, monotonicMicros())
      sent++
    }
  }
  const window = await measureWindow(async () => {
    pump()
    await sleep(spec.seconds * 1000)
    sending = false
    await waitUntil(() => completed === sent, drainTimeoutMs(spec.seconds))
  })
  const verdict = judge(room, ledger, sent)
  closeRoom(room)
  return {
    metrics: {
      ...windowMetrics(window),
      ...ledger.latencyMetrics(sent * spec.readers),
      ...ledger.clientMetrics(window),
      edits: sent,
      editsPerSecond: completed / window.wallSeconds,
      deliveriesPerSecond: ledger.delivered / window.wallSeconds,
      serverCpuMicrosPerDelivery: (window.serverCpuSeconds * 1e6) / ledger.delivered,
    },
    correct: verdict.correct,
    correctness: verdict.summary,
  }
}
