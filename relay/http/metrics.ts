/**
 * The Prometheus registry behind /metrics: it reads the relay's plain counters when scraped and adds
 * the process metrics (CPU, memory, event-loop lag).
 */
import { Registry, Counter, Gauge, collectDefaultMetrics } from 'prom-client'
import type { RelayCounters } from '../core/counters.js'

export interface LiveGauges {
  sessions(): number
  rooms(): number
  /** 1 while the document store can serve rooms (cluster mode: Redis reachable), else 0. */
  storeUp(): number
  /** 1 while the store serves rooms but cannot save them (writes to disk failing), else 0. */
  storageDegraded(): number
}

type CounterName = Exclude<keyof RelayCounters, 'refusedSessions' | 'refuse'>

const COUNTERS: ReadonlyArray<[string, string, CounterName]> = [
  ['lectern_frames_in_total', 'Frames received from sessions', 'framesIn'],
  ['lectern_bytes_in_total', 'Bytes received from sessions', 'bytesIn'],
  ['lectern_frames_out_total', 'Frames sent to sessions (one per receiver)', 'framesOut'],
  ['lectern_bytes_out_total', 'Bytes sent to sessions', 'bytesOut'],
  ['lectern_readonly_writes_dropped_total', 'Document writes dropped because the session is read-only', 'readOnlyWritesDropped'],
  ['lectern_awareness_dropped_total', 'Awareness updates dropped (foreign client ids, caps)', 'awarenessDropped'],
  ['lectern_malformed_frames_total', 'Frames that could not be parsed or had an unknown type', 'malformedFrames'],
  ['lectern_failed_updates_total', 'Document updates that failed to apply and were not forwarded', 'failedUpdates'],
  ['lectern_sessions_opened_total', 'Sessions admitted', 'sessionsOpened'],
  ['lectern_slow_receiver_closes_total', 'Sessions closed because their send buffer passed the high-water mark', 'slowReceiverCloses'],
  ['lectern_rate_limit_pauses_total', 'Times a session was paused by the inbound rate limit', 'rateLimitPauses'],
  ['lectern_work_pauses_total', 'Times a session was paused for spending its document work budget', 'workPauses'],
  ['lectern_oversized_updates_total', 'Updates refused for having more structs than LECTERN_MAX_UPDATE_STRUCTS', 'oversizedUpdates'],
  ['lectern_sync_answers_encoded_total', 'Sync step 1 answers encoded from the document', 'syncAnswersEncoded'],
  ['lectern_sync_answers_cached_total', 'Sync step 1 answers served from the cache', 'syncAnswersCached'],
  ['lectern_storage_write_failures_total', 'Writes of room files that failed (the data stays in memory and is retried)', 'storageWriteFailures'],
  ['lectern_storage_damaged_total', 'Damaged room files found (snapshot refused, or log records dropped)', 'storageDamage'],
  ['lectern_repeat_refusals_total', 'Handshakes refused at the HTTP level: the same token was refused within the last minute', 'repeatRefusals'],
  ['lectern_room_resets_total', 'Rooms reloaded from storage because a refused update changed them half-way', 'roomResets'],
  ['lectern_awareness_over_budget_total', 'Awareness frames dropped because the session spent its awareness budget', 'awarenessOverBudget'],
]

export function createMetricsRegistry(counters: RelayCounters, gauges: LiveGauges): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  for (const [name, help, field] of COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        // The source of truth is the plain number; mirror it at scrape time.
        this.reset()
        this.inc(counters[field])
      },
    })
  }
  new Counter({
    name: 'lectern_refused_sessions_total',
    help: 'Connections refused before admission, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [reason, count] of counters.refusedSessions) this.inc({ reason }, count)
    },
  })
  new Gauge({
    name: 'lectern_sessions',
    help: 'Open sessions',
    registers: [registry],
    collect() {
      this.set(gauges.sessions())
    },
  })
  new Gauge({
    name: 'lectern_document_store_up',
    help: 'Whether the document store can serve rooms (cluster mode: Redis reachable)',
    registers: [registry],
    collect() {
      this.set(gauges.storeUp())
    },
  })
  new Gauge({
    name: 'lectern_rooms',
    help: 'Rooms loaded in memory',
    registers: [registry],
    collect() {
      this.set(gauges.rooms())
    },
  })
  new Gauge({
    name: 'lectern_storage_degraded',
    help: '1 while the document store serves rooms but cannot save them (writes failing), else 0',
    registers: [registry],
    collect() {
      this.set(gauges.storageDegraded())
    },
  })
  return registry
}
