import type { Contents, ServerConnection } from '@jupyterlab/services'
import { Signal } from '@lumino/signaling'
import type { Following } from './following'

export const DRIVE_NAME = 'lectern'

/**
 * The `lectern:` drive: live notebooks with no file behind them. Opening `lectern:<id>.ipynb`
 * builds an empty notebook bound to the room the attendee joined; reading it waits for the first
 * sync and returns no content, so the document context never writes over the room.
 */
export class LecternDrive implements Contents.IDrive {
  readonly name = DRIVE_NAME
  readonly fileChanged: Signal<Contents.IDrive, Contents.IChangedArgs> = new Signal(this)
  readonly sharedModelFactory: Contents.ISharedFactory
  private readonly followings = new Map<string, Following>()
  private nextId = 1
  private disposed = false

  constructor(readonly serverSettings: ServerConnection.ISettings) {
    this.sharedModelFactory = {
      collaborative: true,
      createNew: (options) => {
        // JupyterLab passes the whole path here (`lectern:live-1.ipynb`), the local one elsewhere.
        const following = this.followings.get(options.path.replace(`${DRIVE_NAME}:`, ''))
        if (!following || options.contentType !== 'notebook') return undefined
        return following.createSharedModel()
      },
    }
  }

  /** Registers a live session; returns the path (on this drive) to open it at. */
  add(following: Following): string {
    const localPath = `live-${this.nextId++}.ipynb`
    this.followings.set(localPath, following)
    void following.whenEnded.then(() => this.followings.delete(localPath))
    return `${DRIVE_NAME}:${localPath}`
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  dispose(): void {
    this.disposed = true
    Signal.clearData(this)
  }

  async get(localPath: string, options?: Contents.IFetchOptions): Promise<Contents.IModel> {
    const following = this.followings.get(localPath)
    if (!following) throw new Error(`No live notebook at ${DRIVE_NAME}:${localPath} (it ended, or the page was reloaded).`)
    // Opening first asks whether the file exists (no content), before the document is created.
    if (options?.content !== false) await following.synced()
    return this.model(localPath, following.title)
  }

  /** The room is the storage: saving keeps nothing locally and writes nothing. */
  async save(localPath: string): Promise<Contents.IModel> {
    return this.get(localPath)
  }

  async getDownloadUrl(): Promise<string> {
    throw new Error('A live notebook cannot be downloaded.')
  }

  async newUntitled(): Promise<Contents.IModel> {
    throw unsupported('create files')
  }

  async delete(): Promise<void> {
    throw unsupported('delete files')
  }

  async rename(): Promise<Contents.IModel> {
    throw unsupported('rename files')
  }

  async copy(): Promise<Contents.IModel> {
    throw unsupported('copy files')
  }

  async createCheckpoint(): Promise<Contents.ICheckpointModel> {
    return { id: 'live', last_modified: new Date().toISOString() }
  }

  async listCheckpoints(): Promise<Contents.ICheckpointModel[]> {
    return []
  }

  async restoreCheckpoint(): Promise<void> {
    throw unsupported('restore checkpoints')
  }

  async deleteCheckpoint(): Promise<void> {
    return undefined
  }

  private model(localPath: string, title: string): Contents.IModel {
    const now = new Date().toISOString()
    return {
      name: title,
      path: localPath,
      type: 'notebook',
      format: 'json',
      content: null,
      // Whether the attendee may edit is the grant's business, shown in the banner; a read-only
      // file would also keep JupyterLab's "read-only" badge after write is given.
      writable: true,
      created: now,
      last_modified: now,
      mimetype: 'application/x-ipynb+json',
    }
  }
}

function unsupported(what: string): Error {
  return new Error(`The Lectern drive holds live notebooks only: it cannot ${what}.`)
}
