/**
 * Who received which edit, in which order, how late. Each receiver keeps, per writer, the last
 * sequence number it saw; an edit that is not the next one is a gap, a duplicate or a reordering,
 * all of which the run reports as incorrect.
 */
import { monotonicMicros } from '../clock.js'
import { LatencyHistogram } from './histogram.js'
import { scanMarkers, type MarkerSink } from './markers.js'

/** The writers a receiver hears: those of its room, `count` consecutive indexes from `first`. */
export interface WriterRange {
  first: number
  count: number
}

interface Receiver {
  writers: WriterRange
  /** The writer index of the receiver itself, whose own edits it ignores (Hocuspocus echoes them). */
  own: number
  /** Last sequence number seen, per writer of the range. */
  last: Int32Array
}

export class DeliveryLedger {
  readonly latency = new LatencyHistogram()
  delivered = 0
  outOfOrder = 0
  /** WebSocket messages the receivers were handed, however many edits each carried. */
  messages = 0
  private readonly receivers: Receiver[] = []
  /** Receive time of the frame being scanned: one clock read per frame, not per edit. */
  private frameMicros = 0

  /** A frame handler for one receiver; `onEdit` sees every edit it accepts. */
  receiver(writers: WriterRange, own = -1, onEdit?: (seq: number) => void): (frame: Buffer) => void {
    const state: Receiver = { writers, own, last: new Int32Array(writers.count).fill(-1) }
    this.receivers.push(state)
    const sink: MarkerSink = (writer, seq, sentMicros) => {
      if (writer === own) return
      const slot = writer - writers.first
      const last = state.last[slot]
      if (last === undefined) {
        // An edit from another room's writer: the server crossed rooms.
        this.outOfOrder++
        return
      }
      if (seq !== last + 1) this.outOfOrder++
      if (seq > last) state.last[slot] = seq
      this.delivered++
      if (sentMicros > 0) this.latency.record(this.frameMicros - sentMicros)
      onEdit?.(seq)
    }
    return (frame) => {
      this.messages++
      this.frameMicros = monotonicMicros()
      scanMarkers(frame, sink)
    }
  }

  /** Receivers that did not end on `lastSeq(writer)` for every writer but their own. */
  incompleteReceivers(lastSeq: (writer: number) => number): number {
    let incomplete = 0
    for (const { writers, own, last } of this.receivers) {
      for (let slot = 0; slot < writers.count; slot++) {
        const writer = writers.first + slot
        if (writer !== own && last[slot] !== lastSeq(writer)) {
          incomplete++
          break
        }
      }
    }
    return incomplete
  }

  /** What the clients paid: messages each receiver parsed per second, generator CPU per delivery. */
  clientMetrics(window: { wallSeconds: number; clientCpuSeconds: number }): Record<string, number> {
    return {
      messagesPerReceiverPerSecond: this.messages / Math.max(1, this.receivers.length) / window.wallSeconds,
      clientCpuMicrosPerDelivery: (window.clientCpuSeconds * 1e6) / Math.max(1, this.delivered),
    }
  }

  /** Latency quantiles over `expected` deliveries: the ones that never arrived count as infinitely late. */
  latencyMetrics(expected: number): Record<string, number> {
    this.latency.recordMissing(Math.max(0, expected - this.delivered))
    return {
      p50Ms: this.latency.quantileMicros(0.5) / 1000,
      p99Ms: this.latency.quantileMicros(0.99) / 1000,
      maxMs: this.latency.maxMicros / 1000,
    }
  }
}
