/**
 * Scenario C: sessions that connect, sync an empty document and then stay idle. Measures how fast
 * the server admits them (each with a token to verify) and what each costs in server memory.
 */
import type { RunResult } from '../../spec.js'
import { openAll } from '../connect.js'
import { CONNECT_DEADLINE_MS, mintMany, type RunContext } from '../context.js'
import { measureWindow, probeServer, windowMetrics } from '../probe.js'
import { BenchSession } from '../session.js'
import { Verdict } from '../verdict.js'
import { sleep } from '../wait.js'

/** Idle time before the memory reading, so per-connection buffers from the handshake are gone. */
const IDLE_BEFORE_READING_MS = 1000

export async function idleSessions(context: RunContext, spec: { sessions: number; rooms: number }): Promise<RunResult> {
  const { wire, url, mint } = context
  const roomOf = (index: number) => `idle-${index % spec.rooms}`
  const tokens = await mintMany(mint, spec.sessions, roomOf, 'read')
  const before = await probeServer(true)
  let sessions: BenchSession[] = []
  const window = await measureWindow(async () => {
    sessions = await openAll(
      spec.sessions,
      (index) => new BenchSession(wire, url, roomOf(index), tokens[index]!),
      (session) => session,
      CONNECT_DEADLINE_MS,
    )
  })
  await sleep(IDLE_BEFORE_READING_MS)
  const after = await probeServer(true)
  const stillOpen = sessions.filter((session) => session.open).length
  const verdict = new Verdict()
  verdict.expect(stillOpen === spec.sessions, `${spec.sessions - stillOpen} sessions closed while idle`)
  for (const session of sessions) session.close()
  return {
    metrics: {
      ...windowMetrics(window),
      connectsPerSecond: spec.sessions / window.wallSeconds,
      serverCpuMicrosPerConnect: (window.serverCpuSeconds * 1e6) / spec.sessions,
      memoryPerSessionKB: (after.rssBytes - before.rssBytes) / spec.sessions / 1024,
    },
    correct: verdict.correct,
    correctness: verdict.summary,
  }
}
