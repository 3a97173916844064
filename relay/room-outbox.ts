/**
 * What a room sends to its sessions, coalesced per event-loop turn. Every message broadcast during
 * one turn is framed once, and each receiver gets all of them in a single socket write: under load
 * (a fast typist, many writers) the relay makes one write per receiver per turn instead of one per
 * receiver per update. Original bytes are kept; nothing is merged or re-encoded, and the order of
 * messages is kept for every receiver.
 */
import type { RelayCounters } from './metrics.js'
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
  private readonly flushNow = () => this.flush()

  constructor(
    private readonly receivers: ReadonlySet<Session>,
    private readonly counters: RelayCounters,
  ) {}

  enqueue(message: Uint8Array, origin: Session | null): void {
    this.pending.push({ message, origin })
    if (this.scheduled) return
    this.scheduled = true
    // setImmediate runs after the I/O callbacks of this turn: everything that arrived with this
    // message goes out with it.
    setImmediate(this.flushNow)
  }

  private flush(): void {
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
        receiver.writeFramed(everything)
        delivered += batch.length
        continue
      }
      // A writer gets the batch without its own messages; rare enough to frame separately.
      const others = batch.filter((entry) => entry.origin !== receiver).map((entry) => entry.message)
      if (others.length === 0) continue
      receiver.writeFramed(frameBinaryMessages(others))
      delivered += others.length
    }
    this.counters.framesOut += delivered
  }
}
