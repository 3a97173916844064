/**
 * Grants and links in memory, indexed by what the token service looks them up by, so a lookup or a
 * change costs the same with six grants as with six thousand. Changes arrive as records (`AccessOp`),
 * the same ones a store journals or sends, and are applied one at a time.
 */
import { upgradeStoredGrant, type Grant } from '../grants.js'
import type { ShareLink } from '../share-links.js'

/** One change to the stored records: a record put whole, or removed by id. */
export type AccessOp =
  | { grant: Grant }
  | { deleteGrant: string }
  | { link: ShareLink }
  | { deleteLink: string }

export interface AccessSnapshot {
  grants: Grant[]
  links: ShareLink[]
}

export function grantKey(room: string, subject: string): string {
  return `${room}\n${subject}`
}

export class AccessIndex {
  private readonly grants = new Map<string, Grant>()
  private readonly grantByKey = new Map<string, string>()
  private readonly grantsByRoom = new Map<string, Set<string>>()
  private readonly grantsBySubject = new Map<string, Set<string>>()
  private readonly grantsByLink = new Map<string, Set<string>>()
  private readonly timed = new Set<string>()
  private readonly links = new Map<string, ShareLink>()
  private readonly linkByCode = new Map<string, string>()
  private readonly linksByRoom = new Map<string, Set<string>>()

  static from(snapshot: AccessSnapshot): AccessIndex {
    const index = new AccessIndex()
    for (const grant of snapshot.grants) index.apply({ grant: upgradeStoredGrant(grant) })
    for (const link of snapshot.links) index.apply({ link })
    return index
  }

  snapshot(): AccessSnapshot {
    return { grants: [...this.grants.values()], links: [...this.links.values()] }
  }

  get grantCount(): number {
    return this.grants.size
  }

  grant(id: string): Grant | undefined {
    return this.grants.get(id)
  }

  grantFor(room: string, subject: string): Grant | undefined {
    const id = this.grantByKey.get(grantKey(room, subject))
    return id === undefined ? undefined : this.grants.get(id)
  }

  /** The grants naming exactly `room` (a room name or a prefix). */
  roomGrants(room: string): Grant[] {
    return this.resolve(this.grantsByRoom.get(room), this.grants)
  }

  subjectGrants(subjects: readonly string[]): Grant[] {
    return subjects.flatMap((subject) => this.resolve(this.grantsBySubject.get(subject), this.grants))
  }

  /** Ids of the grants with a layer that came from `linkId`. */
  grantIdsOfLink(linkId: string): string[] {
    return [...(this.grantsByLink.get(linkId) ?? [])]
  }

  timedGrantIds(): string[] {
    return [...this.timed]
  }

  link(id: string): ShareLink | undefined {
    return this.links.get(id)
  }

  linkByCodeHash(codeHash: string): ShareLink | undefined {
    const id = this.linkByCode.get(codeHash)
    return id === undefined ? undefined : this.links.get(id)
  }

  roomLinks(room: string): ShareLink[] {
    return this.resolve(this.linksByRoom.get(room), this.links)
  }

  allLinks(): IterableIterator<ShareLink> {
    return this.links.values()
  }

  apply(op: AccessOp): void {
    if ('grant' in op) {
      this.removeGrant(op.grant.id)
      this.addGrant(op.grant)
    } else if ('deleteGrant' in op) {
      this.removeGrant(op.deleteGrant)
    } else if ('link' in op) {
      this.removeLink(op.link.id)
      this.addLink(op.link)
    } else {
      this.removeLink(op.deleteLink)
    }
  }

  private addGrant(grant: Grant): void {
    this.grants.set(grant.id, grant)
    this.grantByKey.set(grantKey(grant.room, grant.subject), grant.id)
    addTo(this.grantsByRoom, grant.room, grant.id)
    addTo(this.grantsBySubject, grant.subject, grant.id)
    for (const layer of grant.layers) if (layer.linkId !== undefined) addTo(this.grantsByLink, layer.linkId, grant.id)
    if (grant.until !== undefined) this.timed.add(grant.id)
  }

  private removeGrant(id: string): void {
    const grant = this.grants.get(id)
    if (!grant) return
    this.grants.delete(id)
    this.grantByKey.delete(grantKey(grant.room, grant.subject))
    removeFrom(this.grantsByRoom, grant.room, id)
    removeFrom(this.grantsBySubject, grant.subject, id)
    for (const layer of grant.layers) if (layer.linkId !== undefined) removeFrom(this.grantsByLink, layer.linkId, id)
    this.timed.delete(id)
  }

  private addLink(link: ShareLink): void {
    this.links.set(link.id, link)
    this.linkByCode.set(link.codeHash, link.id)
    addTo(this.linksByRoom, link.room, link.id)
  }

  private removeLink(id: string): void {
    const link = this.links.get(id)
    if (!link) return
    this.links.delete(id)
    this.linkByCode.delete(link.codeHash)
    removeFrom(this.linksByRoom, link.room, id)
  }

  private resolve<T>(ids: Set<string> | undefined, records: Map<string, T>): T[] {
    return [...(ids ?? [])].map((id) => records.get(id)!)
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let ids = map.get(key)
  if (!ids) {
    ids = new Set()
    map.set(key, ids)
  }
  ids.add(id)
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key)
  if (!ids) return
  ids.delete(id)
  if (ids.size === 0) map.delete(key)
}
