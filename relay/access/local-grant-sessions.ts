/**
 * Applies grant changes to the live sessions of this relay admitted through those grants. The token
 * service calls it after a change is stored.
 */
import { roomScopeOf, type Grant } from '../../auth/grants.js'
import type { EndedSession, LiveGrantSessions } from '../../auth/service/live-sessions.js'
import { CloseCode } from '../../protocol/close-codes.js'
import type { Relay } from '../core/relay.js'
import type { Session } from '../core/session.js'

export class LocalGrantSessions implements LiveGrantSessions {
  private readonly byGrant = new Map<string, Set<Session>>()
  /** The grant revision each session reflects, so an older view never overrides a newer one. */
  private readonly revisions = new WeakMap<Session, number>()

  constructor(private readonly relay: Relay) {}

  /** Follows a newly admitted session until it closes. */
  track(session: Session): void {
    const grantId = session.gid
    if (grantId === undefined || session.closed) return
    let sessions = this.byGrant.get(grantId)
    if (!sessions) {
      sessions = new Set()
      this.byGrant.set(grantId, sessions)
    }
    sessions.add(session)
    session.ws.once('close', () => {
      sessions.delete(session)
      if (sessions.size === 0 && this.byGrant.get(grantId) === sessions) this.byGrant.delete(grantId)
    })
  }

  /**
   * Brings one session in line with its grant as stored now: a change made while the session was
   * being admitted, before `track`, would otherwise pass it by.
   */
  reconcile(session: Session, grant: Grant | undefined): void {
    if (!grant) session.close(CloseCode.forbidden, 'grant revoked')
    else this.apply(session, grant)
  }

  scopeChanged(grant: Grant): number {
    const sessions = this.byGrant.get(grant.id)
    if (!sessions) return 0
    for (const session of sessions) this.apply(session, grant)
    return sessions.size
  }

  sessionCount(grantId: string): number {
    return this.byGrant.get(grantId)?.size ?? 0
  }

  /**
   * Brings every tracked session in line with its grant as `lookup` reads it now (this node may
   * have missed the events that changed them). Returns the sessions it ended.
   */
  async recheckAll(lookup: (grantId: string) => Promise<Grant | undefined>): Promise<EndedSession[]> {
    const grantIds = [...this.byGrant.keys()]
    const grants = await Promise.all(grantIds.map(lookup))
    const ended: EndedSession[] = []
    grantIds.forEach((grantId, index) => {
      const grant = grants[index]
      if (grant) for (const session of this.byGrant.get(grantId) ?? []) this.apply(session, grant)
      else ended.push(...this.end(grantId, 'grant revoked'))
    })
    return ended
  }

  revoked(grants: readonly Grant[], reason: string): EndedSession[] {
    return grants.flatMap((grant) => this.end(grant.id, reason))
  }

  private end(grantId: string, reason: string): EndedSession[] {
    const ended: EndedSession[] = []
    for (const session of this.byGrant.get(grantId) ?? []) {
      if (session.closed) continue
      session.close(CloseCode.forbidden, reason)
      ended.push({ room: session.room, sub: session.sub, grantId })
    }
    this.byGrant.delete(grantId)
    return ended
  }

  private apply(session: Session, grant: Grant): void {
    if ((this.revisions.get(session) ?? 0) >= grant.revision) return
    this.revisions.set(session, grant.revision)
    this.relay.setSessionScope(session, roomScopeOf(grant.scope))
  }
}
