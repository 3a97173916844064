/**
 * The embedded access store: every grant and link in the data directory, as a snapshot and a
 * journal (access-journal.ts). A call that returned is on disk, so `kill -9` loses nothing it
 * acknowledged. Changes are applied one batch at a time: those that arrive while a batch is being
 * written wait and are then written together with one fsync (group commit), in arrival order, which
 * keeps a redeem's check-and-count atomic.
 */
import { SYSTEM_CLOCK, type Clock } from '../clock.js'
import type { Grant, GrantChange } from '../grants.js'
import type { ShareLink } from '../share-links.js'
import { AccessJournal } from './access-journal.js'
import { AccessState, InMemoryReads, type AccessDraft } from './access-state.js'
import type { AccessStore, GrantExpiries, LinkRevocation, LinkRevoked, RedeemOutcome, RedeemRequest } from './access-store.js'

/** How long an expired or revoked link is still listed (and refused with 410) before it is forgotten. */
export const LINK_RETENTION_MS = 7 * 86_400_000

export interface FileAccessStoreOptions {
  clock?: Clock
  linkRetentionMs?: number
  /** The journal is folded into a new snapshot once it is this big (and bigger than the snapshot). */
  compactAfterBytes?: number
}

interface Pending {
  step: (draft: AccessDraft) => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

export class FileAccessStore extends InMemoryReads implements AccessStore {
  private pending: Pending[] = []
  private writing: Promise<void> | undefined

  private constructor(
    protected readonly state: AccessState,
    private readonly journal: AccessJournal,
    private readonly clock: Clock,
    private readonly linkRetentionMs: number,
  ) {
    super()
  }

  static async open(dataDir: string, options: FileAccessStoreOptions = {}): Promise<FileAccessStore> {
    const { snapshot, changes, journal } = await AccessJournal.load(dataDir, options.compactAfterBytes)
    const state = AccessState.from(snapshot)
    for (const ops of changes) state.commit(ops)
    const store = new FileAccessStore(state, journal, options.clock ?? SYSTEM_CLOCK, options.linkRetentionMs ?? LINK_RETENTION_MS)
    await store.transact((draft) => store.forgetOldLinks(draft))
    return store
  }

  setGrant(change: GrantChange): Promise<{ grant: Grant; previous: Grant | undefined }> {
    return this.transact((draft) => draft.setGrant(change))
  }

  deleteGrant(room: string, subject: string): Promise<Grant | undefined> {
    return this.transact((draft) => draft.deleteGrant(room, subject))
  }

  addLink(link: ShareLink): Promise<void> {
    return this.transact((draft) => draft.addLink(link))
  }

  revokeLink(revocation: LinkRevocation): Promise<LinkRevoked | undefined> {
    return this.transact((draft) => draft.revokeLink(revocation))
  }

  redeem(request: RedeemRequest): Promise<RedeemOutcome> {
    return this.transact((draft) => draft.redeem(request))
  }

  expireGrants(now: Date): Promise<GrantExpiries> {
    return this.transact((draft) => draft.expireGrants(now))
  }

  /** Waits for the writes already started, then closes the journal. */
  async close(): Promise<void> {
    while (this.writing) await this.writing
    await this.journal.close()
  }

  private forgetOldLinks(draft: AccessDraft): number {
    return draft.forgetLinks(new Date(this.clock.now().getTime() - this.linkRetentionMs))
  }

  private transact<T>(step: (draft: AccessDraft) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ step, resolve: resolve as (value: unknown) => void, reject })
      if (this.writing) return
      // Started on the next microtask, so `writing` is set before the loop can finish and clear it.
      this.writing = Promise.resolve().then(() => this.writeBatches())
    })
  }

  /** Runs waiting changes on one draft, appends their records once, then lets readers see them. */
  private async writeBatches(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      const draft = this.state.draft()
      const results: unknown[] = []
      try {
        for (const { step } of batch) results.push(step(draft))
        if (draft.ops.length > 0) {
          await this.journal.append(draft.ops)
          this.state.commit(draft.ops)
          // The change is on disk in the journal; a failed compaction is tried again after the next one.
          if (this.journal.wantsCompaction) await this.compact().catch(() => undefined)
        }
      } catch (error) {
        for (const { reject } of batch) reject(error)
        continue
      }
      batch.forEach(({ resolve }, i) => resolve(results[i]))
    }
    this.writing = undefined
  }

  private async compact(): Promise<void> {
    const draft = this.state.draft()
    if (this.forgetOldLinks(draft) > 0) {
      await this.journal.append(draft.ops)
      this.state.commit(draft.ops)
    }
    await this.journal.compact(this.state.index.snapshot())
  }
}
