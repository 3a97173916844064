/**
 * Grants and links in memory: for tests, and for nodes in one process that share one store. Each
 * change runs on a draft and is committed at once, like the embedded store minus the file.
 */
import type { Grant, GrantChange } from '../grants.js'
import type { ShareLink } from '../share-links.js'
import { AccessState } from './access-state.js'
import type { AccessStore, GrantExpiries, LinkRevocation, LinkRevoked, RedeemOutcome, RedeemRequest } from './access-store.js'

export class MemoryAccessStore implements AccessStore {
  private readonly state = AccessState.from({ grants: [], links: [] })

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

  async setGrant(change: GrantChange): Promise<{ grant: Grant; previous: Grant | undefined }> {
    return this.state.change((draft) => draft.setGrant(change))
  }

  async deleteGrant(room: string, subject: string): Promise<Grant | undefined> {
    return this.state.change((draft) => draft.deleteGrant(room, subject))
  }

  async addLink(link: ShareLink): Promise<void> {
    this.state.change((draft) => draft.addLink(link))
  }

  async revokeLink(revocation: LinkRevocation): Promise<LinkRevoked | undefined> {
    return this.state.change((draft) => draft.revokeLink(revocation))
  }

  async redeem(request: RedeemRequest): Promise<RedeemOutcome> {
    return this.state.change((draft) => draft.redeem(request))
  }

  async expireGrants(now: Date): Promise<GrantExpiries> {
    return this.state.change((draft) => draft.expireGrants(now))
  }

  async close(): Promise<void> {}
}
