/**
 * What a room sends to its sessions, coalesced per event-loop turn. Every message broadcast during
 * one turn is framed once, and each receiver gets all of them in a single socket write: under load
 * (a fast typist, many writers) the relay makes one write per receiver per turn instead of one per
 * receiver per update. Original bytes are kept; nothing is merged or re-encoded, and the order of
 * messages is kept for every receiver.
 *
 * Flushes are paced by their own cost: after a flush that took T ms the next waits until T ms have
 * passed, so a room spends at most half of the event loop writing. A small room's flush takes
 * microseconds and goes out within the turn; a room of thousands of readers under a fast typist
 * sends several updates per write, instead of falling behind at one write per receiver per update.
 */
import type { RelayCounters } from './counters.js'
import type { Session } from './session.js'
import { frameBinaryMessages } from './ws-frame.js'

interface Pending {
  message: Uint8Array
  /** The session the message came from: it is not sent back to it. Null: everyone gets it. */
  origin: Session | null
}

export class RoomOutbox {
  private pending: Pending[] = []
  private scheduled = false
  /** performance.now() before which the next flush does not start. */
  private nextFlushAt = 0
  private readonly flushNow = () => this.flush()

  constructor(
    private readonly receivers: ReadonlySet<Session>,
    private readonly counters: RelayCounters,
  ) {}

  enqueue(message: Uint8Array, origin: Session | null): void {
    this.pending.push({ message, origin })
    if (this.scheduled) return
    this.scheduled = true
    const wait = this.nextFlushAt - performance.now()
    // setImmediate runs after the I/O callbacks of this turn: everything that arrived with this
    // message goes out with it.
    if (wait <= 0) setImmediate(this.flushNow)
    else setTimeout(this.flushNow, wait)
  }

  private flush(): void {
    const started = performance.now()
    this.send()
    const finished = performance.now()
    this.nextFlushAt = finished + (finished - started)
  }

  private send(): void {
    const batch = this.pending
    this.pending = []
    this.scheduled = false
    if (batch.length === 0 || this.receivers.size === 0) return
    const origins = new Set<Session>()
    for (const entry of batch) if (entry.origin) origins.add(entry.origin)
    const everything = frameBinaryMessages(batch.map((entry) => entry.message))
    let delivered = 0
    for (const receiver of this.receivers) {
      if (!origins.has(receiver)) {
        if (receiver.writeFramed(everything)) delivered += batch.length
        continue
      }
      // A writer gets the batch without its own messages; rare enough to frame separately.
      const others = batch.filter((entry) => entry.origin !== receiver).map((entry) => entry.message)
      if (others.length === 0) continue
      if (receiver.writeFramed(frameBinaryMessages(others))) delivered += others.length
    }
    this.counters.framesOut += delivered
  }
}
