/**
 * Grants and links in memory: for tests, and for nodes in one process that share one store. Each
 * change runs on a draft and is committed at once, like the embedded store minus the file.
 */
import type { Grant, GrantChange } from '../grants.js'
import type { ShareLink } from '../share-links.js'
import { AccessState, InMemoryReads } from './access-state.js'
import type { AccessStore, GrantExpiries, LinkRevocation, LinkRevoked, RedeemOutcome, RedeemRequest } from './access-store.js'

export class MemoryAccessStore extends InMemoryReads implements AccessStore {
  protected readonly state = AccessState.from({ grants: [], links: [] })

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
