/**
 * The port through which the token service applies grant changes to live sessions. The relay
 * implements it (`relay/access/`); a token service without a relay uses NO_LIVE_SESSIONS.
 */
import type { Grant } from '../grants.js'

export interface EndedSession {
  room: string
  sub: string
  grantId: string
}

export interface LiveGrantSessions {
  /** The grant's scope changed: its sessions follow in place. Returns how many there were. */
  scopeChanged(grant: Grant): number
  /** The grants are gone: their sessions end with 4403. */
  revoked(grants: readonly Grant[], reason: string): EndedSession[]
  /** How many sessions admitted through the grant are connected now (the presenter's console shows it). */
  sessionCount(grantId: string): number
}

/** For a token service running without a relay: there are no sessions here to change. */
export const NO_LIVE_SESSIONS: LiveGrantSessions = {
  scopeChanged: () => 0,
  revoked: () => [],
  sessionCount: () => 0,
}
