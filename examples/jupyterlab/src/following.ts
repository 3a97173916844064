import type * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import type { NotebookPanel } from '@jupyterlab/notebook'
import { PromiseDelegate } from '@lumino/coreutils'
import { joinRoom, type RoomHandle } from 'lectern/client'
import { Banner } from './banner'
import { NotebookLock } from './lock'
import { announce, presenterNames } from './people'
import { apiOption, type LecternSettings } from './settings'
import { browserStorage } from './storage'

export interface FollowOptions {
  code: string
  settings: LecternSettings
  user: { name: string; color: string }
}

/**
 * An attendee's live notebook: a share code redeemed through lectern/client, an empty notebook
 * document bound to the room, and the view kept read-only for as long as the grant is.
 */
export class Following {
  readonly title = 'Live notebook'
  private joined: Promise<RoomHandle> | undefined
  private readonly endedDelegate = new PromiseDelegate<void>()

  constructor(private readonly options: FollowOptions) {}

  /** Settles when the session is over (closed, revoked, or it never started). */
  get ended(): Promise<void> {
    return this.endedDelegate.promise
  }

  /** Called by the drive with the new document's Y.Doc: join the room with it. */
  attach(doc: Y.Doc): void {
    if (this.joined) throw new Error('This live session already has a document.')
    const { settings, user, code } = this.options
    const awareness = new Awareness(doc)
    announce(awareness, user.name, user.color, 'attendee')
    this.joined = joinRoom({
      relay: settings.relayUrl,
      api: apiOption(settings),
      doc,
      awareness,
      code,
      displayName: user.name,
      storage: browserStorage,
    })
    this.joined.catch(() => this.endedDelegate.resolve())
  }

  /** Resolves after the first sync with the room; rejects if the code could not be redeemed. */
  async synced(): Promise<RoomHandle> {
    if (!this.joined) throw new Error('This live session has no document yet.')
    const handle = await this.joined
    await handle.synced
    return handle
  }

  /** Locks the view, shows the banner, and follows scope changes and the end of the session. */
  async bind(panel: NotebookPanel): Promise<void> {
    const handle = await this.synced()
    const banner = new Banner()
    panel.contentHeader.addWidget(banner)
    panel.title.label = `Live: ${handle.room}`
    const lock = new NotebookLock(panel.content)
    let ended = false
    const render = (): void => {
      if (ended) return banner.display({ kind: 'ended' })
      const presenter = presenterNames(handle.awareness)[0] ?? 'the presenter'
      if (handle.status === 'offline') return banner.display({ kind: 'offline', presenter })
      banner.display({ kind: handle.scope === 'write' ? 'writing' : 'following', presenter })
    }
    const onScope = (): void => {
      lock.locked = handle.scope !== 'write'
      render()
    }
    handle.awareness.on('change', render)
    const unsubscribe = [handle.on('scope', onScope), handle.on('status', render)]
    const finish = (): void => {
      if (ended) return
      ended = true
      lock.locked = true
      for (const stop of unsubscribe) stop()
      handle.awareness.off('change', render)
      handle.destroy()
      this.endedDelegate.resolve()
    }
    unsubscribe.push(
      handle.on('revoked', () => {
        finish()
        render()
      }),
    )
    panel.disposed.connect(() => {
      finish()
      lock.dispose()
    })
    onScope()
  }
}
