/**
 * Applies the access changes other nodes publish to this node: their grant changes to the sessions
 * admitted here, their key rotations to this node's key ring. Sessions ended here are recorded in
 * this node's audit log, as the node that made the change records the ones it ended.
 */
import type { AuditSink } from '../../auth/audit.js'
import type { KeyRing } from '../../auth/keys.js'
import type { AccessEvent, AccessEvents } from '../../auth/store/access-events.js'
import type { Logger } from '../logger.js'
import type { LocalGrantSessions } from './local-grant-sessions.js'

export interface ClusterAccessParts {
  events: AccessEvents
  live: LocalGrantSessions
  keys: KeyRing
  audit: AuditSink
  log: Logger
}

/** Follows the other nodes' changes until the returned function is called. */
export function followClusterAccess(parts: ClusterAccessParts): () => void {
  return parts.events.subscribe((event) => apply(parts, event))
}

function apply({ live, keys, audit, log }: ClusterAccessParts, event: AccessEvent): void {
  switch (event.kind) {
    case 'grant.changed':
      live.scopeChanged(event.grant)
      return
    case 'grants.revoked': {
      const ended = live.revoked(event.grants, event.reason)
      if (ended.length === 0) return
      void audit.record(
        ...ended.map((session) => ({
          action: 'session.ended' as const,
          actor: event.actor,
          room: session.room,
          subject: session.sub,
          grantId: session.grantId,
          reason: event.reason,
        })),
      )
      return
    }
    case 'keys.rotated':
      keys.reload().catch((error: unknown) => log.error({ err: error, keyId: event.keyId }, 'reloading the signing keys after a rotation failed'))
      return
  }
}
