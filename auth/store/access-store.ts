/**
 * Where grants and share links live. The embedded store keeps them in the data directory; a Redis
 * store will implement the same interface for a cluster. Every write is atomic and durable once its
 * promise resolves; reads see only committed state.
 */
import type { Grant, GrantChange } from '../grants.js'
import type { ShareLink } from '../share-links.js'

export type RedeemRefusal = 'unknown_code' | 'link_expired' | 'link_used_up' | 'link_revoked'

export interface RedeemRequest {
  codeHash: string
  subject: string
  displayName?: string
  actor: string
  at: Date
}

export type RedeemOutcome =
  | { ok: true; link: ShareLink; grant: Grant; previous: Grant | undefined }
  | { ok: false; refusal: RedeemRefusal; link: ShareLink | undefined }

export interface LinkRevocation {
  room: string
  linkId: string
  actor: string
  at: Date
  /** Also take back what the link gave: grants it created go, grants it raised drop back. */
  revokeGrants: boolean
}

export interface LinkRevoked {
  link: ShareLink
  /** Grants the link gave everything: gone, their sessions end. */
  revokedGrants: Grant[]
  /** Grants the link had raised: back to the scope below, their sessions follow. */
  changedGrants: Array<{ grant: Grant; previous: Grant }>
}

/** What lapsing timed layers did: grants back to the scope below, and grants whose lapse revoked them. */
export interface GrantExpiries {
  changed: Array<{ grant: Grant; previous: Grant }>
  revoked: Grant[]
}

export interface AccessStore {
  grant(id: string): Promise<Grant | undefined>
  grantFor(room: string, subject: string): Promise<Grant | undefined>
  /** The grants naming exactly `room`: a room name, or a prefix such as `course-101/*`. */
  roomGrants(room: string): Promise<Grant[]>
  /** Every grant held by any of `subjects` (a user and their groups), across rooms. */
  subjectGrants(subjects: readonly string[]): Promise<Grant[]>
  roomLinks(room: string): Promise<ShareLink[]>

  /** Creates the (room, subject) grant or changes it in place. */
  setGrant(change: GrantChange): Promise<{ grant: Grant; previous: Grant | undefined }>
  /** Deletes the (room, subject) grant; undefined if there was none. */
  deleteGrant(room: string, subject: string): Promise<Grant | undefined>
  addLink(link: ShareLink): Promise<void>
  /** Marks a link revoked (again is a no-op); undefined if the room has no such link. */
  revokeLink(revocation: LinkRevocation): Promise<LinkRevoked | undefined>
  /**
   * Checks the link and counts the use and creates or raises the redeemer's grant, as one atomic
   * step: concurrent redeems of a link with one use left admit exactly one.
   */
  redeem(request: RedeemRequest): Promise<RedeemOutcome>
  /**
   * Lapses the timed layers due by `now`, as one atomic step: of nodes sweeping at once, each lapse
   * is reported to exactly one, which tells the others.
   */
  expireGrants(now: Date): Promise<GrantExpiries>
  close(): Promise<void>
}
