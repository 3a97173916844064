/**
 * Applies the access changes other nodes publish to this node: their grant changes to the sessions
 * admitted here, their key rotations to this node's key ring. Sessions ended here are recorded in
 * this node's audit log, as the node that made the change records the ones it ended. A node that
 * may have missed events (it fell behind the capped stream) re-checks every live session against
 * the store and re-reads the signing keys.
 */
import type { AuditSink } from '../../auth/audit.js'
import type { KeyRing } from '../../auth/keys.js'
import type { AccessEvent, AccessEvents } from '../../auth/store/access-events.js'
import type { AccessStore } from '../../auth/store/access-store.js'
import type { EndedSession } from '../../auth/service/live-sessions.js'
import type { Logger } from '../logger.js'
import type { LocalGrantSessions } from './local-grant-sessions.js'

export interface ClusterAccessParts {
  events: AccessEvents
  store: AccessStore
  live: LocalGrantSessions
  keys: KeyRing
  audit: AuditSink
  log: Logger
}

/** Follows the other nodes' changes until the returned function is called. */
export function followClusterAccess(parts: ClusterAccessParts): () => void {
  return parts.events.subscribe(
    (event) => apply(parts, event),
    () => recheck(parts),
  )
}

function recheck({ store, live, keys, audit, log }: ClusterAccessParts): void {
  log.warn('access events were trimmed before this node read them: re-checking every live session against the store')
  keys.reload().catch((error: unknown) => log.error({ err: error }, 'reloading the signing keys after missed access events failed'))
  live.recheckAll((grantId) => store.grant(grantId)).then(
    (ended) => recordEnded(audit, ended, 'system', 'grant revoked'),
    (error: unknown) => log.error({ err: error }, 're-checking the live sessions after missed access events failed'),
  )
}

function recordEnded(audit: AuditSink, ended: readonly EndedSession[], actor: string, reason: string): void {
  if (ended.length === 0) return
  void audit.record(
    ...ended.map((session) => ({ action: 'session.ended' as const, actor, room: session.room, subject: session.sub, grantId: session.grantId, reason })),
  )
}

function apply({ live, keys, audit, log }: ClusterAccessParts, event: AccessEvent): void {
  switch (event.kind) {
    case 'grant.changed':
      live.scopeChanged(event.grant)
      return
    case 'grants.revoked':
      recordEnded(audit, live.revoked(event.grants, event.reason), event.actor, event.reason)
      return
    case 'keys.rotated':
      keys.reload().catch((error: unknown) => log.error({ err: error, keyId: event.keyId }, 'reloading the signing keys after a rotation failed'))
      return
  }
}
