/**
 * The relay's counters. The hot path increments plain numbers (a prom-client `inc()` allocates label
 * objects, too costly per frame and receiver); `relay/http/metrics.ts` reads them when /metrics is
 * scraped.
 */
export class RelayCounters {
  framesIn = 0
  bytesIn = 0
  framesOut = 0
  bytesOut = 0
  readOnlyWritesDropped = 0
  awarenessDropped = 0
  malformedFrames = 0
  failedUpdates = 0
  sessionsOpened = 0
  slowReceiverCloses = 0
  rateLimitPauses = 0
  /** Times a session's reads were paused because it spent its document work budget. */
  workPauses = 0
  /** Updates refused for having more structs than the per-update bound (also in failedUpdates). */
  oversizedUpdates = 0
  /** Awareness frames dropped because the session spent its awareness budget. */
  awarenessOverBudget = 0
  /** Sync step 1 answers encoded afresh, and answered from the cache. */
  syncAnswersEncoded = 0
  syncAnswersCached = 0
  /** Failed writes of room files (each retried), and damaged room files found. */
  storageWriteFailures = 0
  storageDamage = 0
  /** Handshakes refused with an HTTP status because the same token was refused moments before. */
  repeatRefusals = 0
  /** Rooms reloaded because a refused update changed their document half-way. */
  roomResets = 0
  refusedSessions = new Map<string, number>()

  refuse(reason: string): void {
    this.refusedSessions.set(reason, (this.refusedSessions.get(reason) ?? 0) + 1)
  }
}
