/**
 * Grants and links in memory: for tests, and for nodes in one process that share one store. Each
 * change runs on a copy that is swapped in whole, like the embedded store minus the file.
 */
import type { Grant, GrantChange } from '../grants.js'
import type { ShareLink } from '../share-links.js'
import { AccessState } from './access-state.js'
import type { AccessStore, LinkRevocation, RedeemOutcome, RedeemRequest } from './access-store.js'

export class MemoryAccessStore implements AccessStore {
  private state = AccessState.from({ grants: [], links: [] })

  async grant(id: string): Promise<Grant | undefined> {
    return this.state.grant(id)
  }

  async grantFor(room: string, subject: string): Promise<Grant | undefined> {
    return this.state.grantFor(room, subject)
  }

  async roomGrants(room: string): Promise<Grant[]> {
    return this.state.roomGrants(room)
  }

  async subjectGrants(subjects: readonly string[]): Promise<Grant[]> {
    return this.state.subjectGrants(subjects)
  }

  async roomLinks(room: string): Promise<ShareLink[]> {
    return this.state.roomLinks(room)
  }

  async setGrant(change: GrantChange): Promise<{ grant: Grant; previous: Grant | undefined }> {
    return this.change((draft) => draft.setGrant(change))
  }

  async deleteGrant(room: string, subject: string): Promise<Grant | undefined> {
    return this.change((draft) => draft.deleteGrant(room, subject))
  }

  async addLink(link: ShareLink): Promise<void> {
    this.change((draft) => draft.addLink(link))
  }

  async revokeLink(revocation: LinkRevocation): Promise<{ link: ShareLink; revokedGrants: Grant[] } | undefined> {
    return this.change((draft) => draft.revokeLink(revocation))
  }

  async redeem(request: RedeemRequest): Promise<RedeemOutcome> {
    return this.change((draft) => draft.redeem(request))
  }

  async close(): Promise<void> {}

  private change<T>(step: (draft: AccessState) => T): T {
    const draft = this.state.copy()
    const result = step(draft)
    this.state = draft
    return result
  }
}
