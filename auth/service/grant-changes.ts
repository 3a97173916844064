/**
 * What follows a stored grant change, wherever it came from (an admin, a redeem, a link revocation,
 * a timed layer lapsing): this node's live sessions move, the other nodes are told, and the audit
 * log records it, in that order.
 */
import type { AuditAction, AuditEvent, AuditSink } from '../audit.js'
import type { Grant } from '../grants.js'
import type { AccessEvents } from '../store/access-events.js'
import type { LiveGrantSessions } from './live-sessions.js'

export class GrantChanges {
  constructor(
    private readonly live: LiveGrantSessions,
    private readonly events: AccessEvents,
    private readonly audit: AuditSink,
  ) {}

  /**
   * Audits a created or changed grant (after `also`, the event that caused it) and moves its live
   * sessions. `action` names a change that is not an admin's (`grant.expired`).
   */
  async changed(grant: Grant, previous: Grant | undefined, actor: string, also?: AuditEvent, action?: AuditAction): Promise<number> {
    const moved = await this.move(grant, previous, actor, action)
    await this.audit.record(...(also ? [also] : []), ...moved.events)
    return moved.sessions
  }

  /**
   * `changed` for many grants at once (a link revocation, timed layers lapsing together): their
   * events go out together and the audit gets one batch, not a round trip and a sync per grant.
   */
  async changedAll(changes: ReadonlyArray<{ grant: Grant; previous: Grant }>, actor: string, action?: AuditAction): Promise<void> {
    if (changes.length === 0) return
    const moved = await Promise.all(changes.map(({ grant, previous }) => this.move(grant, previous, actor, action)))
    await this.audit.record(...moved.flatMap(({ events }) => events))
  }

  /** Ends the live sessions of grants that are gone, then audits it all (`first` leads the batch). */
  async ended(
    grants: readonly Grant[],
    actor: string,
    action: 'grant.revoked' | 'grant.left' | 'grant.expired',
    reason: string,
    first?: AuditEvent,
  ): Promise<number> {
    if (grants.length > 0) await this.events.publish({ kind: 'grants.revoked', grants: [...grants], reason, actor })
    const ended = this.live.revoked(grants, reason)
    const events: AuditEvent[] = first ? [{ ...first, sessions: ended.length }] : []
    for (const grant of grants) {
      const sessions = ended.filter((session) => session.grantId === grant.id).length
      events.push({ action, actor, room: grant.room, subject: grant.subject, grantId: grant.id, scope: grant.scope, reason, sessions })
    }
    for (const session of ended) {
      events.push({ action: 'session.ended', actor, room: session.room, subject: session.sub, grantId: session.grantId, reason })
    }
    await this.audit.record(...events)
    return ended.length
  }

  /** Moves the grant's live sessions (telling the other nodes first) and says what to audit. */
  private async move(grant: Grant, previous: Grant | undefined, actor: string, action?: AuditAction): Promise<{ events: AuditEvent[]; sessions: number }> {
    const base: AuditEvent = { action: 'grant.created', actor, room: grant.room, subject: grant.subject, grantId: grant.id, scope: grant.scope }
    if (grant.until !== undefined) Object.assign(base, { until: grant.until, then: grant.then })
    if (!previous) return { events: [base], sessions: 0 }
    if (previous.scope !== grant.scope) {
      // Published first: the other nodes change their sessions while this one changes its own.
      await this.events.publish({ kind: 'grant.changed', grant, actor })
      const sessions = this.live.scopeChanged(grant)
      return { events: [{ ...base, action: action ?? 'grant.scope_changed', previousScope: previous.scope, sessions }], sessions }
    }
    if (grant.until !== previous.until || action !== undefined) {
      return { events: [{ ...base, action: action ?? 'grant.timed', previousScope: previous.scope }], sessions: 0 }
    }
    return { events: [], sessions: 0 }
  }
}
