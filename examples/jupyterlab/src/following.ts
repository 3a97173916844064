import { Awareness } from 'y-protocols/awareness'
import type { NotebookPanel } from '@jupyterlab/notebook'
import { YNotebook } from '@jupyter/ydoc'
import { PromiseDelegate } from '@lumino/coreutils'
import type * as Y from 'yjs'
import { joinRoom, type RoomHandle } from 'lectern/client'
import { Banner } from './banner'
import { NotebookLock } from './lock'
import { announce, presenterNames } from './people'
import { apiOption, type LecternSettings } from './settings'

export interface FollowOptions {
  code: string
  settings: LecternSettings
  user: { name: string; color: string }
  /** Opens a new view of this session (after lectern/client replaced the document). */
  reopen(following: Following): Promise<void>
}

/**
 * An attendee's live notebook: a share code redeemed through lectern/client, an empty notebook
 * document bound to the room, and the view kept read-only for as long as the grant is.
 */
export class Following {
  readonly title = 'Live notebook'
  private readonly joined = new PromiseDelegate<RoomHandle>()
  private readonly endedDelegate = new PromiseDelegate<void>()
  private handle: RoomHandle | undefined
  private joining = false
  private ended = false

  constructor(private readonly options: FollowOptions) {}

  /** Settles when the session is over (closed, revoked, or it never started). */
  get whenEnded(): Promise<void> {
    return this.endedDelegate.promise
  }

  /**
   * The shared model for a new view, asked for by the drive. The first one is empty and joins the
   * room; later ones (after lectern/client replaced the document) wrap the session's document.
   */
  createSharedModel(): YNotebook {
    // No document-wide undo: Ctrl+Z must not undo the presenter's edits.
    if (this.handle) return new YNotebook({ disableDocumentWideUndoRedo: true, ydoc: this.handle.doc } as YNotebookOptions)
    const notebook = new YNotebook({ disableDocumentWideUndoRedo: true })
    this.join(notebook.ydoc)
    return notebook
  }

  /**
   * Resolves after the first sync with the room, once the drive has given this session its
   * document; rejects if the code could not be redeemed.
   */
  async synced(): Promise<RoomHandle> {
    const handle = await this.joined.promise
    await handle.synced
    return handle
  }

  /** Locks the view, shows the banner, and follows scope changes and the end of the session. */
  async bind(panel: NotebookPanel): Promise<void> {
    const handle = await this.synced()
    const banner = new Banner()
    panel.contentHeader.addWidget(banner)
    panel.title.caption = `Live notebook in room ${handle.room}`
    const lock = new NotebookLock(panel.content)
    let replaced = false
    const render = (): void => {
      if (this.ended) return banner.display({ kind: 'ended' })
      const presenter = presenterNames(handle.awareness)[0] ?? 'the presenter'
      if (handle.status === 'offline') return banner.display({ kind: 'offline', presenter })
      banner.display({ kind: handle.scope === 'write' ? 'writing' : 'following', presenter })
    }
    const onScope = (): void => {
      lock.locked = this.ended || handle.scope !== 'write'
      render()
    }
    handle.awareness.on('change', render)
    const unsubscribe = [
      handle.on('scope', onScope),
      handle.on('status', render),
      handle.on('revoked', () => {
        this.end()
        onScope()
      }),
      // A change slipped past the lock while read-only: lectern/client dropped it by replacing
      // the document with the room's. This view shows the old one: open a view of the new one.
      handle.on('doc', () => {
        replaced = true
        void this.options.reopen(this).then(() => panel.dispose())
      }),
    ]
    panel.disposed.connect(() => {
      for (const stop of unsubscribe) stop()
      handle.awareness.off('change', render)
      lock.dispose()
      if (!replaced) this.end()
    })
    onScope()
  }

  private join(doc: Y.Doc): void {
    if (this.joining) throw new Error('This live session already has a document.')
    this.joining = true
    const { settings, user, code } = this.options
    const awareness = new Awareness(doc)
    announce(awareness, user.name, user.color, 'attendee')
    joinRoom({ relay: settings.relayUrl, api: apiOption(settings), doc, awareness, code, displayName: user.name }).then(
      (handle) => {
        this.handle = handle
        this.joined.resolve(handle)
      },
      (error: unknown) => {
        this.joined.reject(error)
        this.end()
      },
    )
  }

  /** The session is over: leave the room for good (the view stays, locked, with its banner). */
  private end(): void {
    if (this.ended) return
    this.ended = true
    this.handle?.destroy()
    this.endedDelegate.resolve()
  }
}

/** YDocument takes the Y.Doc to wrap, which YNotebook's declared options leave out. */
type YNotebookOptions = ConstructorParameters<typeof YNotebook>[0] & { ydoc: Y.Doc }
