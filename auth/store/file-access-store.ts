/**
 * The embedded access store: every grant and link in `<dataDir>/access.json`, rewritten atomically
 * (temporary file, fsync, rename, fsync of the directory) at every change. A call that returned is
 * on disk, so `kill -9` loses nothing it acknowledged. Writes run one at a time, which is what makes
 * a redeem's check-and-count atomic.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../files.js'
import type { Grant, GrantChange } from '../grants.js'
import type { ShareLink } from '../share-links.js'
import { AccessState, type AccessSnapshot } from './access-state.js'
import type { AccessStore, LinkRevocation, RedeemOutcome, RedeemRequest } from './access-store.js'

const FILE_NAME = 'access.json'
const FORMAT_VERSION = 1

interface AccessFile extends AccessSnapshot {
  version: number
}

export class FileAccessStore implements AccessStore {
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly path: string,
    private state: AccessState,
  ) {}

  static async open(dataDir: string): Promise<FileAccessStore> {
    const path = join(dataDir, FILE_NAME)
    return new FileAccessStore(path, AccessState.from(await readAccessFile(path)))
  }

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

  setGrant(change: GrantChange): Promise<{ grant: Grant; previous: Grant | undefined }> {
    return this.transact((draft) => draft.setGrant(change))
  }

  deleteGrant(room: string, subject: string): Promise<Grant | undefined> {
    return this.transact((draft) => draft.deleteGrant(room, subject))
  }

  addLink(link: ShareLink): Promise<void> {
    return this.transact((draft) => draft.addLink(link))
  }

  revokeLink(revocation: LinkRevocation): Promise<{ link: ShareLink; revokedGrants: Grant[] } | undefined> {
    return this.transact((draft) => draft.revokeLink(revocation))
  }

  redeem(request: RedeemRequest): Promise<RedeemOutcome> {
    return this.transact((draft) => draft.redeem(request))
  }

  /** Waits for the writes already started. */
  async close(): Promise<void> {
    await this.queue
  }

  /**
   * Runs `change` on a copy of the state after every earlier write has finished, writes the copy,
   * and only then makes it the state readers see.
   */
  private transact<T>(change: (draft: AccessState) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = this.state.copy()
      const result = change(draft)
      if (!draft.changed) return result
      const file: AccessFile = { version: FORMAT_VERSION, ...draft.snapshot() }
      // 0600: the file holds code hashes and who has access to what.
      await writeFileAtomic(this.path, `${JSON.stringify(file, null, 1)}\n`, 0o600)
      this.state = draft
      return result
    })
    this.queue = run.catch(() => undefined)
    return run
  }
}

async function readAccessFile(path: string): Promise<AccessSnapshot> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { grants: [], links: [] }
    throw new Error(`cannot read the access store ${path}: ${(error as Error).message}`)
  }
  let parsed: Partial<AccessFile>
  try {
    parsed = JSON.parse(text) as Partial<AccessFile>
  } catch (error) {
    throw new Error(`the access store ${path} is not valid JSON: ${(error as Error).message}`)
  }
  if (parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.grants) || !Array.isArray(parsed.links)) {
    throw new Error(`the access store ${path} is not a version ${FORMAT_VERSION} grants-and-links file`)
  }
  return { grants: parsed.grants, links: parsed.links }
}
