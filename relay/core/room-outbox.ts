/**
 * What a room sends to its sessions, coalesced per event-loop turn. The messages of one turn are
 * merged (document updates into one update, awareness into one state per client; see
 * flush-merge.ts), framed once, and each receiver gets them in a single socket write: under load
 * (a fast typist, many writers) the relay makes one write per receiver per turn, and the receiver
 * parses one message, instead of one per update.
 *
 * Flushes are paced by their own cost: after a flush that took T ms the next waits until T ms have
 * passed (T bounded by the writes it made, see MAX_PACED_MS_PER_WRITE), so a room spends at most
 * half of the event loop writing. A small room's flush takes microseconds and goes out within the
 * turn; a room of thousands of readers under a fast typist sends several updates per write,
 * instead of falling behind at one write per receiver per update.
 */
import type { RelayCounters } from './counters.js'
import type { Session } from './session.js'
import { MergedFlush, type OutboxEntry } from './flush-merge.js'
import type { DecodedStructs } from './struct-merge.js'
import { frameBinaryMessages } from './ws-frame.js'

/**
 * The most a flush may count per socket write when it sets the pause before the next one. A flush
 * is timed by the wall clock, so a garbage collection or the process being descheduled in the
 * middle of it would make a room of four receivers wait tens of milliseconds for nothing; writes
 * cost a few microseconds each, so a room of a thousand receivers is still paced by what it spent.
 */
const MAX_PACED_MS_PER_WRITE = 0.05

export class RoomOutbox {
  private pending: OutboxEntry[] = []
  private scheduled = false
  /** performance.now() before which the next flush does not start. */
  private nextFlushAt = 0
  private readonly flushNow = () => this.flush()

  constructor(
    private readonly receivers: ReadonlySet<Session>,
    private readonly counters: RelayCounters,
  ) {}

  /** Queues `message`, which is not a document update, for every session. */
  enqueue(message: Uint8Array): void {
    this.push({ message, origin: null })
  }

  /**
   * Queues a document update for every session: `update` is the Yjs update inside `message`,
   * `origin` the session it came from (null: another node), which never gets it back alone, and
   * `structs` its decoded structs when the room has them (struct-merge.ts).
   */
  enqueueUpdate(message: Uint8Array, update: Uint8Array, origin: Session | null, structs?: DecodedStructs): void {
    this.push({ message, origin, update, structs })
  }

  private push(entry: OutboxEntry): void {
    this.pending.push(entry)
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
    const writes = this.send()
    const finished = performance.now()
    this.nextFlushAt = finished + Math.min(finished - started, writes * MAX_PACED_MS_PER_WRITE)
  }

  /** Sends the pending batch; returns the number of socket writes it made. */
  private send(): number {
    const batch = this.pending
    this.pending = []
    this.scheduled = false
    if (batch.length === 0 || this.receivers.size === 0) return 0
    const merged = new MergedFlush(batch)
    const everything = frameBinaryMessages(merged.forEveryone)
    let delivered = 0
    let writes = 0
    for (const receiver of this.receivers) {
      // A writer of the batch may need its own selection (see forOrigin): few per flush, framed apart.
      const own = merged.isOrigin(receiver) ? merged.forOrigin(receiver) : null
      const messages = own ?? merged.forEveryone
      if (messages.length === 0) continue
      if (receiver.writeFramed(own ? frameBinaryMessages(own) : everything)) {
        delivered += messages.length
        writes++
      }
    }
    this.counters.framesOut += delivered
    return writes
  }
}
