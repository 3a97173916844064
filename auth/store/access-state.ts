/**
 * Grants and links held in memory, with the lookups and the state changes every store shares. The
 * embedded store copies it, changes the copy, writes it, then swaps it in: readers never see a
 * change that is not yet on disk, and a failed write leaves nothing behind.
 */
import { applyGrantChange, strongerScope, type Grant, type GrantChange } from '../grants.js'
import { linkStatus, type ShareLink } from '../share-links.js'
import type { LinkRevocation, RedeemOutcome, RedeemRefusal, RedeemRequest } from './access-store.js'

const REFUSAL_FOR_STATUS: Record<Exclude<ReturnType<typeof linkStatus>, 'active'>, RedeemRefusal> = {
  expired: 'link_expired',
  used_up: 'link_used_up',
  revoked: 'link_revoked',
}

export interface AccessSnapshot {
  grants: Grant[]
  links: ShareLink[]
}

export class AccessState {
  /** Whether a change was made since this copy was taken: a refused redeem need not be written. */
  changed = false

  private constructor(
    private readonly grants: Map<string, Grant>,
    private readonly links: Map<string, ShareLink>,
  ) {}

  static from(snapshot: AccessSnapshot): AccessState {
    return new AccessState(
      new Map(snapshot.grants.map((grant) => [grant.id, grant])),
      new Map(snapshot.links.map((link) => [link.id, link])),
    )
  }

  /** A copy whose changes do not touch this state. Records are replaced, never mutated, so a shallow copy is enough. */
  copy(): AccessState {
    return new AccessState(new Map(this.grants), new Map(this.links))
  }

  snapshot(): AccessSnapshot {
    return { grants: [...this.grants.values()], links: [...this.links.values()] }
  }

  grant(id: string): Grant | undefined {
    return this.grants.get(id)
  }

  grantFor(room: string, subject: string): Grant | undefined {
    for (const grant of this.grants.values()) {
      if (grant.room === room && grant.subject === subject) return grant
    }
    return undefined
  }

  roomGrants(room: string): Grant[] {
    return [...this.grants.values()].filter((grant) => grant.room === room)
  }

  subjectGrants(subjects: readonly string[]): Grant[] {
    const wanted = new Set(subjects)
    return [...this.grants.values()].filter((grant) => wanted.has(grant.subject))
  }

  roomLinks(room: string): ShareLink[] {
    return [...this.links.values()].filter((link) => link.room === room)
  }

  setGrant(change: GrantChange): { grant: Grant; previous: Grant | undefined } {
    const previous = this.grantFor(change.room, change.subject)
    const grant = applyGrantChange(previous, change)
    this.grants.set(grant.id, grant)
    this.changed = true
    return { grant, previous }
  }

  deleteGrant(room: string, subject: string): Grant | undefined {
    const grant = this.grantFor(room, subject)
    if (grant) {
      this.grants.delete(grant.id)
      this.changed = true
    }
    return grant
  }

  addLink(link: ShareLink): void {
    this.links.set(link.id, link)
    this.changed = true
  }

  revokeLink(revocation: LinkRevocation): { link: ShareLink; revokedGrants: Grant[] } | undefined {
    const existing = this.links.get(revocation.linkId)
    if (!existing || existing.room !== revocation.room) return undefined
    const link =
      existing.revokedAt === null
        ? { ...existing, revokedAt: revocation.at.toISOString(), revokedBy: revocation.actor }
        : existing
    this.links.set(link.id, link)
    this.changed = true
    const revokedGrants: Grant[] = []
    if (revocation.revokeGrants) {
      for (const grant of this.grants.values()) {
        if (grant.linkId === link.id) revokedGrants.push(grant)
      }
      for (const grant of revokedGrants) this.grants.delete(grant.id)
    }
    return { link, revokedGrants }
  }

  /**
   * A redeem never lowers a grant: someone who can already write keeps writing after opening a
   * read-only link. A grant the link did not create keeps its origin, so revoking the link leaves it.
   */
  redeem(request: RedeemRequest): RedeemOutcome {
    const link = this.linkByCodeHash(request.codeHash)
    if (!link) return { ok: false, refusal: 'unknown_code', link: undefined }
    const status = linkStatus(link, request.at)
    if (status !== 'active') return { ok: false, refusal: REFUSAL_FOR_STATUS[status], link }
    const used = { ...link, uses: link.uses + 1 }
    this.links.set(used.id, used)
    this.changed = true
    const existing = this.grantFor(link.room, request.subject)
    if (existing && strongerScope(existing.scope, link.scope) === existing.scope) {
      return { ok: true, link: used, grant: existing, previous: existing }
    }
    const change: GrantChange = {
      room: link.room,
      subject: request.subject,
      scope: link.scope,
      actor: request.actor,
      at: request.at,
      linkId: link.id,
    }
    if (request.displayName !== undefined) change.displayName = request.displayName
    const { grant, previous } = this.setGrant(change)
    return { ok: true, link: used, grant, previous }
  }

  private linkByCodeHash(codeHash: string): ShareLink | undefined {
    for (const link of this.links.values()) {
      if (link.codeHash === codeHash) return link
    }
    return undefined
  }
}
