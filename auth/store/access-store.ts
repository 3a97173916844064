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
  /** Also delete the grants the link created (their sessions end). */
  revokeGrants: boolean
}

export interface AccessStore {
  grant(id: string): Promise<Grant | undefined>
  grantFor(room: string, subject: string): Promise<Grant | undefined>
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
  revokeLink(revocation: LinkRevocation): Promise<{ link: ShareLink; revokedGrants: Grant[] } | undefined>
  /**
   * Checks the link and counts the use and creates or raises the redeemer's grant, as one atomic
   * step: concurrent redeems of a link with one use left admit exactly one.
   */
  redeem(request: RedeemRequest): Promise<RedeemOutcome>
  close(): Promise<void>
}
