/** Turning what a run observed into its correctness verdict. */
import type * as Y from 'yjs'
import type { RunResult } from '../spec.js'
import type { DeliveryLedger } from './deliveries.js'
import { windowMetrics, type Window } from './probe.js'
import { documentText } from './writer.js'

export class Verdict {
  private readonly problems: string[] = []

  /** Records `problem` when `ok` is false. */
  expect(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem)
  }

  /** Every document holds exactly the reference text. */
  expectConverged(reference: Y.Doc, docs: Iterable<Y.Doc>, what: string): void {
    const expected = documentText(reference)
    let checked = 0
    let differing = 0
    for (const doc of docs) {
      checked++
      if (documentText(doc) !== expected) differing++
    }
    this.expect(differing === 0, `${differing} of ${checked} ${what} documents differ from the writer's`)
  }

  /** Every receiver saw every edit of every writer it hears, once and in order. */
  expectAllDelivered(ledger: DeliveryLedger, lastSeq: (writer: number) => number, expectedDeliveries: number): void {
    const incomplete = ledger.incompleteReceivers(lastSeq)
    this.expect(incomplete === 0, `${incomplete} receivers missed edits`)
    this.expect(ledger.outOfOrder === 0, `${ledger.outOfOrder} edits arrived out of order or twice`)
    this.expect(
      ledger.delivered === expectedDeliveries,
      `${ledger.delivered} of ${expectedDeliveries} deliveries arrived`,
    )
  }

  get correct(): boolean {
    return this.problems.length === 0
  }

  get summary(): string {
    return this.correct ? 'ok' : this.problems.join('; ')
  }
}

/** The result of an open-loop delivery run: latency over every expected delivery, CPU per delivery. */
export function openLoopResult(
  window: Window,
  ledger: DeliveryLedger,
  edits: number,
  expected: number,
  verdict: Verdict,
): RunResult {
  return {
    metrics: {
      ...windowMetrics(window),
      ...ledger.latencyMetrics(expected),
      ...ledger.clientMetrics(window),
      edits,
      deliveredPercent: (100 * ledger.delivered) / expected,
      serverCpuMicrosPerDelivery: (window.serverCpuSeconds * 1e6) / ledger.delivered,
    },
    correct: verdict.correct,
    correctness: verdict.summary,
  }
}

