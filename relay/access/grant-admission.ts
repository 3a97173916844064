/**
 * Admission when grants are in play. Tokens are admission, grants are permission: a token minted
 * from a grant gets in only while that grant stands, takes the grant's current scope, and its
 * session lives as long as the grant (no end at the token's `exp`). A token without a grant is
 * trusted alone and its session ends at `exp`, as before.
 */
import type { RoomClaims } from '../../auth/claims.js'
import type { Clock } from '../../auth/clock.js'
import { grantAt, roomScopeOf } from '../../auth/grants.js'
import { targetCovers } from '../../auth/room-patterns.js'
import { CloseCode } from '../../protocol/close-codes.js'
import { tokenOnlyAdmission, type AdmissionPolicy } from './admission.js'
import type { Session, SessionIdentity } from '../core/session.js'
import type { Logger } from '../logger.js'
import type { AccessStore } from '../../auth/store/access-store.js'
import type { LocalGrantSessions } from './local-grant-sessions.js'

export class GrantAdmission implements AdmissionPolicy {
  constructor(
    private readonly store: AccessStore,
    private readonly live: LocalGrantSessions,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  async admit(claims: RoomClaims): ReturnType<AdmissionPolicy['admit']> {
    if (claims.gid === undefined) return tokenOnlyAdmission.admit(claims)
    let stored
    try {
      stored = await this.store.grant(claims.gid)
    } catch (error) {
      // Cluster mode with Redis away: the client retries (45xx) and gets in once it is back.
      this.log.error({ room: claims.room, err: error }, 'looking up the grant of a session failed')
      return { ok: false, code: CloseCode.roomUnavailable, reason: 'grants unavailable' }
    }
    // A timed layer that lapsed a moment ago counts as lapsed, even before the sweep has stored it.
    const grant = stored && grantAt(stored, this.clock.now())
    // A token names its grant by id; a grant re-created after a revocation has a new id, so the
    // old token stays refused. A prefix grant admits to every room under its prefix.
    if (!grant || !targetCovers(grant.room, claims.room)) return { ok: false, code: CloseCode.forbidden, reason: 'grant revoked' }
    const identity: SessionIdentity = { sub: claims.sub, scope: roomScopeOf(grant.scope), gid: grant.id }
    if (claims.lid !== undefined) identity.lid = claims.lid
    return { ok: true, identity }
  }

  attached(session: Session): void {
    const grantId = session.gid
    if (grantId === undefined) return
    this.live.track(session)
    this.store.grant(grantId).then(
      (grant) => this.live.reconcile(session, grant),
      (error: Error) => this.log.error({ room: session.room, err: error }, 'checking a new session against its grant failed'),
    )
  }
}
