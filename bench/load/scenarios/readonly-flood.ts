/**
 * Scenario E: a room of read-only sessions that all send document updates. Every one must be
 * dropped: no reader may receive another's edit and the room's document must stay empty. Reports
 * the server CPU spent per dropped frame.
 */
import * as Y from 'yjs'
import type { RunResult } from '../../spec.js'
import { openAll } from '../connect.js'
import { CONNECT_DEADLINE_MS, mintMany, SETTLE_MS, type RunContext } from '../context.js'
import { markerText, scanMarkers } from '../markers.js'
import { runOpenLoop } from '../open-loop.js'
import { measureWindow, waitServerIdle, windowMetrics } from '../probe.js'
import { BenchSession } from '../session.js'
import { Verdict } from '../verdict.js'
import { sleep } from '../wait.js'
import { documentText } from '../writer.js'

const ROOM = 'lecture'
const IDLE_TIMEOUT_MS = 30_000

/** A real typing update from reader `index`'s own document, marked so a leak is visible. */
function forbiddenEdit(index: number): Uint8Array {
  const doc = new Y.Doc()
  let update: Uint8Array | null = null
  doc.on('update', (bytes: Uint8Array) => {
    update = bytes
  })
  doc.getText('t').insert(0, markerText(index, 0, 0))
  if (update === null) throw new Error('typing into a fresh document produced no update')
  return update
}

export async function readonlyFlood(
  context: RunContext,
  spec: { readers: number; framesPerReader: number; ratePerReader: number },
): Promise<RunResult> {
  const { wire, url, mint } = context
  const tokens = await mintMany(mint, spec.readers, () => ROOM, 'read')
  let leaked = 0
  const readers = await openAll(
    spec.readers,
    (index) => {
      const session = new BenchSession(wire, url, ROOM, tokens[index]!)
      session.onDocumentFrame = (frame) => {
        leaked += scanMarkers(frame, () => undefined)
      }
      return session
    },
    (session) => session,
    CONNECT_DEADLINE_MS,
  )
  const frames = readers.map((_, index) => wire.frame(ROOM, 'update', forbiddenEdit(index)))
  await sleep(SETTLE_MS)
  const total = spec.readers * spec.framesPerReader
  const window = await measureWindow(async () => {
    await runOpenLoop(total, spec.readers * spec.ratePerReader, (k) => readers[k % spec.readers]!.send(frames[k % spec.readers]!))
    await waitServerIdle(IDLE_TIMEOUT_MS)
  })
  const witness = new BenchSession(wire, url, ROOM, await mint(ROOM, 'read'), new Y.Doc())
  await witness.ready
  const verdict = new Verdict()
  verdict.expect(leaked === 0, `${leaked} forbidden edits reached other readers`)
  verdict.expect(documentText(witness.doc!) === '', 'the room document changed')
  const open = readers.filter((reader) => reader.open).length
  verdict.expect(open === spec.readers, `${spec.readers - open} readers were disconnected`)
  witness.close()
  for (const reader of readers) reader.close()
  return {
    metrics: {
      ...windowMetrics(window),
      framesSent: total,
      serverCpuMicrosPerDroppedFrame: (window.serverCpuSeconds * 1e6) / total,
    },
    correct: verdict.correct,
    correctness: verdict.summary,
  }
}
