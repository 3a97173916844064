/**
 * The audit log: one JSON line per access change in `<dataDir>/audit.log`, also sent to the logger.
 * Records name links by id and subjects by name; a share code, guest key or token never appears.
 */
import { open, mkdir, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Logger } from 'pino'
import type { GrantScope, GrantThen } from './grants.js'
import { PRIVATE_DIRECTORY_MODE } from './files.js'

export type AuditAction =
  | 'grant.created'
  | 'grant.scope_changed'
  | 'grant.timed'
  | 'grant.expired'
  | 'grant.revoked'
  | 'grant.left'
  | 'link.created'
  | 'link.redeemed'
  | 'link.redeem_refused'
  | 'link.revoked'
  | 'session.ended'
  | 'keys.rotated'
  | 'room.created'

export interface AuditEvent {
  action: AuditAction
  /** Who did it: `admin`, `operator (cli)`, or the subject acting on its own behalf. */
  actor: string
  room?: string
  subject?: string
  grantId?: string
  linkId?: string
  scope?: GrantScope
  previousScope?: GrantScope
  /** A timed change: when it lapses, and what the grant is then. */
  until?: string
  then?: GrantThen
  reason?: string
  /** Live sessions the change reached. */
  sessions?: number
  /** Grants a link revocation took back. */
  grantsRevoked?: number
  /** Refused redeems counted, not logged one line each. */
  count?: number
  keyId?: string
}

export interface AuditSink {
  record(...events: AuditEvent[]): Promise<void>
}

export class AuditLog implements AuditSink {
  private queue: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: FileHandle,
    private readonly log: Logger,
  ) {}

  static async open(dataDir: string, log: Logger): Promise<AuditLog> {
    const path = join(dataDir, 'audit.log')
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIRECTORY_MODE })
    return new AuditLog(await open(path, 'a', 0o600), log)
  }

  /**
   * Appends the events and waits until it is on disk; lines are written in call order. A failed write
   * is logged, not thrown: the change it records has already happened and must still be answered.
   */
  record(...events: AuditEvent[]): Promise<void> {
    const time = new Date().toISOString()
    // One write and one sync for a batch: a link revocation may end hundreds of sessions.
    const lines = events.map((event) => `${JSON.stringify({ time, ...event })}\n`).join('')
    for (const event of events) this.log.info({ audit: event }, `audit: ${event.action}`)
    const write = this.queue.then(async () => {
      await this.file.appendFile(lines)
      await this.file.datasync()
    })
    this.queue = write.catch((error: Error) => {
      this.log.error({ events: events.length, err: error }, 'writing the audit log failed')
    })
    return this.queue
  }

  async close(): Promise<void> {
    await this.queue
    await this.file.close()
  }
}
