/**
 * The state changes every access store shares, written once. A change runs on a draft over the
 * committed records: reads see the draft's own changes first, writes are staged. The draft's
 * records (`ops`) are what a store makes durable (a journal line, a Redis transaction) before it
 * applies them to what readers see, so a reader never sees a change that is not yet stored and a
 * failed write leaves nothing behind. Each change costs what it touches, not what is stored.
 */
import { changeGrant, givenByLink, grantAt, newGrant, raiseByLink, strongerScope, withoutLink, type Grant, type GrantChange } from '../grants.js'
import { linkStatus, type ShareLink } from '../share-links.js'
import type { GrantExpiries, LinkRevocation, LinkRevoked, RedeemOutcome, RedeemRefusal, RedeemRequest } from './access-store.js'
import { AccessIndex, grantKey, type AccessOp } from './access-index.js'

const REFUSAL_FOR_STATUS: Record<Exclude<ReturnType<typeof linkStatus>, 'active'>, RedeemRefusal> = {
  expired: 'link_expired',
  used_up: 'link_used_up',
  revoked: 'link_revoked',
}

export class AccessDraft {
  private readonly grants = new Map<string, Grant | null>()
  private readonly keys = new Map<string, string | null>()
  private readonly links = new Map<string, ShareLink | null>()
  private readonly log: AccessOp[] = []

  constructor(private readonly committed: AccessIndex) {}

  /** The records this draft changed, in order. */
  get ops(): readonly AccessOp[] {
    return this.log
  }

  grant(id: string): Grant | undefined {
    const staged = this.grants.get(id)
    if (staged !== undefined) return staged ?? undefined
    return this.committed.grant(id)
  }

  grantFor(room: string, subject: string): Grant | undefined {
    const key = grantKey(room, subject)
    const staged = this.keys.get(key)
    if (staged !== undefined) return staged === null ? undefined : this.grant(staged)
    const committed = this.committed.grantFor(room, subject)
    return committed && this.grant(committed.id)
  }

  link(id: string): ShareLink | undefined {
    const staged = this.links.get(id)
    if (staged !== undefined) return staged ?? undefined
    return this.committed.link(id)
  }

  linkByCodeHash(codeHash: string): ShareLink | undefined {
    for (const staged of this.links.values()) if (staged?.codeHash === codeHash) return staged
    const committed = this.committed.linkByCodeHash(codeHash)
    return committed && this.link(committed.id)
  }

  putGrant(grant: Grant): void {
    this.grants.set(grant.id, grant)
    this.keys.set(grantKey(grant.room, grant.subject), grant.id)
    this.log.push({ grant })
  }

  removeGrant(grant: Grant): void {
    this.grants.set(grant.id, null)
    this.keys.set(grantKey(grant.room, grant.subject), null)
    this.log.push({ deleteGrant: grant.id })
  }

  putLink(link: ShareLink): void {
    this.links.set(link.id, link)
    this.log.push({ link })
  }

  removeLink(id: string): void {
    this.links.set(id, null)
    this.log.push({ deleteLink: id })
  }

  setGrant(change: GrantChange): { grant: Grant; previous: Grant | undefined } {
    const previous = this.grantFor(change.room, change.subject)
    const grant = previous ? changeGrant(previous, change) : newGrant(change)
    this.putGrant(grant)
    return { grant, previous }
  }

  deleteGrant(room: string, subject: string): Grant | undefined {
    const grant = this.grantFor(room, subject)
    if (grant) this.removeGrant(grant)
    return grant
  }

  addLink(link: ShareLink): void {
    this.putLink(link)
  }

  /**
   * Marks the link revoked and, when asked, takes back exactly what it gave: a grant it created or
   * raised goes back to the layers below, and one it gave everything is revoked.
   */
  revokeLink(revocation: LinkRevocation): LinkRevoked | undefined {
    const existing = this.link(revocation.linkId)
    if (!existing || existing.room !== revocation.room) return undefined
    const link =
      existing.revokedAt === null ? { ...existing, revokedAt: revocation.at.toISOString(), revokedBy: revocation.actor } : existing
    if (link !== existing) this.putLink(link)
    const outcome: LinkRevoked = { link, revokedGrants: [], changedGrants: [] }
    if (!revocation.revokeGrants) return outcome
    for (const id of this.committed.grantIdsOfLink(link.id)) {
      const previous = this.grant(id)
      if (!previous || !givenByLink(previous, link.id)) continue
      const grant = withoutLink(previous, link.id, revocation.actor, revocation.at)
      if (grant) {
        this.putGrant(grant)
        if (grant.scope !== previous.scope) outcome.changedGrants.push({ grant, previous })
      } else {
        this.removeGrant(previous)
        outcome.revokedGrants.push(previous)
      }
    }
    return outcome
  }

  /**
   * A redeem never lowers a grant: someone who can already write keeps writing after opening a
   * read-only link. A link that raises a grant adds a layer, which revoking the link takes away.
   */
  redeem(request: RedeemRequest): RedeemOutcome {
    const link = this.linkByCodeHash(request.codeHash)
    if (!link) return { ok: false, refusal: 'unknown_code', link: undefined }
    const status = linkStatus(link, request.at)
    if (status !== 'active') return { ok: false, refusal: REFUSAL_FOR_STATUS[status], link }
    const used = { ...link, uses: link.uses + 1 }
    this.putLink(used)
    const existing = this.grantFor(link.room, request.subject)
    if (existing && strongerScope(existing.scope, link.scope) === existing.scope) {
      return { ok: true, link: used, grant: existing, previous: existing }
    }
    let grant: Grant
    if (existing) {
      grant = raiseByLink(existing, link.scope, link.id, request.actor, request.at)
      if (request.displayName !== undefined) grant.displayName = request.displayName
    } else {
      const change: GrantChange = { room: link.room, subject: request.subject, scope: link.scope, actor: request.actor, at: request.at, linkId: link.id }
      if (request.displayName !== undefined) change.displayName = request.displayName
      grant = newGrant(change)
    }
    this.putGrant(grant)
    return { ok: true, link: used, grant, previous: existing }
  }

  /** Lapses every timed layer due by `now`. */
  expireGrants(now: Date): GrantExpiries {
    const outcome: GrantExpiries = { changed: [], revoked: [] }
    for (const id of this.committed.timedGrantIds()) {
      const previous = this.grant(id)
      if (!previous) continue
      const grant = grantAt(previous, now)
      if (grant === previous) continue
      if (grant) {
        this.putGrant(grant)
        outcome.changed.push({ grant, previous })
      } else {
        this.removeGrant(previous)
        outcome.revoked.push(previous)
      }
    }
    return outcome
  }

  /** Forgets links that stopped admitting (expired or revoked) before `before`. */
  forgetLinks(before: Date): number {
    let forgotten = 0
    for (const link of this.committed.allLinks()) {
      const ended = link.revokedAt ?? (Date.parse(link.expiresAt) <= before.getTime() ? link.expiresAt : null)
      if (ended !== null && Date.parse(ended) <= before.getTime() && this.link(link.id)) {
        this.removeLink(link.id)
        forgotten++
      }
    }
    return forgotten
  }
}

/** Committed records and how to change them: run a change on a draft, store its ops, then commit. */
export class AccessState {
  private constructor(readonly index: AccessIndex) {}

  static from(snapshot: Parameters<typeof AccessIndex.from>[0]): AccessState {
    return new AccessState(AccessIndex.from(snapshot))
  }

  draft(): AccessDraft {
    return new AccessDraft(this.index)
  }

  commit(ops: readonly AccessOp[]): void {
    for (const op of ops) this.index.apply(op)
  }

  /** For a store with nothing to write: change and commit at once. */
  change<T>(step: (draft: AccessDraft) => T): T {
    const draft = this.draft()
    const result = step(draft)
    this.commit(draft.ops)
    return result
  }
}

/** The reads of a store that keeps its records in memory (the embedded and the in-memory store). */
export abstract class InMemoryReads {
  protected abstract readonly state: AccessState

  async grant(id: string): Promise<Grant | undefined> {
    return this.state.index.grant(id)
  }

  async grantFor(room: string, subject: string): Promise<Grant | undefined> {
    return this.state.index.grantFor(room, subject)
  }

  async roomGrants(room: string): Promise<Grant[]> {
    return this.state.index.roomGrants(room)
  }

  async subjectGrants(subjects: readonly string[]): Promise<Grant[]> {
    return this.state.index.subjectGrants(subjects)
  }

  async roomLinks(room: string): Promise<ShareLink[]> {
    return this.state.index.roomLinks(room)
  }
}
