/**
 * The cluster's audit trail: every node appends its audit events to one capped Redis stream (as
 * well as to its own audit.log), so an operator reads the whole cluster's in one place
 * (`lectern audit tail --redis`). Like the file log it never holds a code, key or token.
 */
import type { Logger } from 'pino'
import type { AuditEvent, AuditSink } from '../../audit.js'
import { ACCESS_PREFIX } from './access-scripts.js'
import { listOf, textOrNil, type RedisPort } from './redis-port.js'
import { StreamFollower, type StreamFields } from './stream-follower.js'

/** The newest this many events are kept (XADD MAXLEN ~): the files on each node keep everything. */
export const AUDIT_STREAM_LENGTH = 100_000

export interface ClusterAuditRecord extends AuditEvent {
  time: string
  /** The node that recorded it. */
  node: string
}

export function auditStreamKey(prefix = ACCESS_PREFIX): string {
  return `${prefix}audit`
}

export class RedisAuditStream implements AuditSink {
  constructor(
    private readonly redis: RedisPort,
    private readonly nodeId: string,
    private readonly log: Logger,
    private readonly stream = auditStreamKey(),
  ) {}

  /** Appends the events in order. A failure is logged, not thrown: the change has happened and the node's file has it. */
  async record(...events: AuditEvent[]): Promise<void> {
    const time = new Date().toISOString()
    // Sent together: the connection keeps them in order, and a revocation that ended 300 sessions
    // costs one round trip, not 300.
    const appends = events.map((event) =>
      this.redis.command(['XADD', this.stream, 'MAXLEN', '~', String(AUDIT_STREAM_LENGTH), '*', 'e', JSON.stringify({ time, node: this.nodeId, ...event })]),
    )
    const failed = (await Promise.allSettled(appends)).find((outcome) => outcome.status === 'rejected')
    if (failed) this.log.error({ err: failed.reason, events: events.length }, 'appending to the cluster audit stream failed')
  }
}

/** The newest `count` records, oldest first. */
export async function auditTail(redis: RedisPort, count: number, stream = auditStreamKey()): Promise<{ records: ClusterAuditRecord[]; lastId: string }> {
  const entries = listOf(await redis.command(['XREVRANGE', stream, '+', '-', 'COUNT', String(count)])).reverse()
  const records = entries.map((entry) => parseRecord(listOf(listOf(entry)[1] ?? null)))
  const lastId = entries.length === 0 ? '0-0' : textOrNil(listOf(entries[entries.length - 1]!)[0])!
  return { records, lastId }
}

/** Hands over every record appended after `fromId`, until stopped. `connection` becomes the follower's own. */
export function followAudit(
  connection: RedisPort,
  fromId: string,
  onRecord: (record: ClusterAuditRecord) => void,
  onError: (error: unknown) => void,
  stream = auditStreamKey(),
): StreamFollower {
  return new StreamFollower(connection, stream, fromId, (fields: StreamFields) => onRecord(JSON.parse(fields.get('e') ?? '{}') as ClusterAuditRecord), onError)
}

function parseRecord(flat: ReturnType<typeof listOf>): ClusterAuditRecord {
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (textOrNil(flat[i]) === 'e') return JSON.parse(textOrNil(flat[i + 1])!) as ClusterAuditRecord
  }
  throw new Error('an audit stream entry without its event')
}
