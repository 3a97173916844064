/**
 * Scenario B: many small rooms, each with a few writers typing at once and a few readers. Every
 * session but the author receives each edit; writers apply what others type, as editors do.
 */
import * as Y from 'yjs'
import type { RunResult, ScenarioSpec } from '../../spec.js'
import { openAll } from '../connect.js'
import { CONNECT_DEADLINE_MS, drainTimeoutMs, mintMany, SETTLE_MS, type RunContext } from '../context.js'
import { DeliveryLedger } from '../deliveries.js'
import { runOpenLoop } from '../open-loop.js'
import { measureWindow } from '../probe.js'
import { BenchSession } from '../session.js'
import { openLoopResult, Verdict } from '../verdict.js'
import { waitUntil } from '../wait.js'
import { TypingWriter } from '../writer.js'

/** The scenario as the plan describes it (bench/spec.ts). */
type TypingRoomsSpec = Extract<ScenarioSpec, { kind: 'typing-rooms' }>

export async function typingRooms(context: RunContext, spec: TypingRoomsSpec): Promise<RunResult> {
  const { wire, url, mint } = context
  const { rooms, writersPerRoom, readersPerRoom } = spec
  const roomName = (room: number) => `typing-${room}`
  const ledger = new DeliveryLedger()
  const writerCount = rooms * writersPerRoom
  const readerCount = rooms * readersPerRoom
  const writerTokens = await mintMany(mint, writerCount, (index) => roomName(Math.floor(index / writersPerRoom)), 'write')
  const readerTokens = await mintMany(mint, readerCount, (index) => roomName(Math.floor(index / readersPerRoom)), 'read')
  const writers = await openAll(
    writerCount,
    (index) => {
      const room = Math.floor(index / writersPerRoom)
      const writer = new TypingWriter(wire, url, roomName(room), writerTokens[index]!, index, spec.client)
      writer.session.onDocumentFrame = ledger.receiver({ first: room * writersPerRoom, count: writersPerRoom }, index)
      return writer
    },
    (writer) => writer.session,
    CONNECT_DEADLINE_MS,
  )
  const readers = await openAll(
    readerCount,
    (index) => {
      const room = Math.floor(index / readersPerRoom)
      // The first reader of each room keeps a document, to compare with its writers'.
      const doc = index % readersPerRoom === 0 ? new Y.Doc() : null
      const session = new BenchSession(wire, url, roomName(room), readerTokens[index]!, doc, spec.client)
      session.onDocumentFrame = ledger.receiver({ first: room * writersPerRoom, count: writersPerRoom })
      return session
    },
    (session) => session,
    CONNECT_DEADLINE_MS,
  )
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))

  const editsPerWriter = Math.round(spec.ratePerWriter * spec.seconds)
  const edits = editsPerWriter * writerCount
  const expected = edits * (writersPerRoom - 1 + readersPerRoom)
  const window = await measureWindow(async () => {
    // Edit k is writer k mod W's edit number floor(k / W): all writers type at the same pace.
    await runOpenLoop(edits, spec.ratePerWriter * writerCount, (k, dueMicros) =>
      writers[k % writerCount]!.type(Math.floor(k / writerCount), dueMicros),
    )
    await waitUntil(() => ledger.delivered >= expected, drainTimeoutMs(spec.seconds))
  })

  const verdict = new Verdict()
  verdict.expectAllDelivered(ledger, () => editsPerWriter - 1, expected)
  for (let room = 0; room < rooms; room++) {
    const roomWriters = writers.slice(room * writersPerRoom, (room + 1) * writersPerRoom)
    const reader = readers[room * readersPerRoom]
    const docs = roomWriters.map((writer) => writer.doc).concat(reader?.doc ? [reader.doc] : [])
    verdict.expectConverged(roomWriters[0]!.doc, docs, `room ${room}`)
  }
  for (const writer of writers) writer.session.close()
  for (const reader of readers) reader.close()
  return openLoopResult(window, ledger, edits, expected, verdict)
}
