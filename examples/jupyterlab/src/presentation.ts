import type * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { apiUrlOfRelay, joinRoom, LecternApi, memoryStorage, type RoomHandle } from 'lectern/client'
import { apiOption, presenterCredential, type LecternSettings } from './settings'
import { announce, audienceCount } from './people'

/** A share link as the presenter hands it out: the code, and a URL that opens it in JupyterLab. */
export interface ShareLink {
  id: string
  code: string
  url: string
}

export interface PresentOptions {
  doc: Y.Doc
  settings: LecternSettings
  user: { name: string; color: string }
  /** The JupyterLab URL attendees open with `?lectern=<code>`. */
  labUrl: string
}

/**
 * One notebook presented live: its Y.Doc attached to a Lectern room through lectern/client,
 * with an attendee link (read-only) and a co-presenter link (write, one use).
 */
export class Presentation {
  private readonly listeners = new Set<() => void>()
  private stopped = false

  private constructor(
    readonly room: string,
    readonly attendeeLink: ShareLink,
    readonly coPresenterLink: ShareLink,
    private readonly api: LecternApi,
    private readonly handle: RoomHandle,
  ) {
    handle.awareness.on('change', this.notify)
    handle.on('status', this.notify)
    handle.on('revoked', () => this.detach())
  }

  static async start(options: PresentOptions): Promise<Presentation> {
    const { settings, doc } = options
    const credential = await presenterCredential(settings)
    const api = new LecternApi({ api: apiOption(settings) ?? apiUrlOfRelay(settings.relayUrl), credential })
    const room = settings.room !== '' ? settings.room : freshRoomName()
    const awareness = new Awareness(doc)
    announce(awareness, options.user.name, options.user.color, 'presenter')
    const common = { relay: settings.relayUrl, api: apiOption(settings), doc, awareness, displayName: options.user.name }
    let handle: RoomHandle
    if (settings.presenterAuth === 'adminKey') {
      // The admin key holds no grant of its own: it invites the presenter to own the room (one
      // use), and the presenter joins by redeeming that invitation.
      const invitation = await api.createLink(room, { scope: 'admin', maxUses: 1, label: 'presenter' })
      // Its guest key is kept in memory only: kept in the browser, an attendee view in the same
      // browser would redeem the attendee link as this guest, with its admin grant, and could write.
      handle = await joinRoom({ ...common, code: invitation.code, storage: memoryStorage() })
    } else {
      handle = await joinRoom({ ...common, room, credential })
    }
    try {
      await handle.synced
      const attendee = await api.createLink(room, { scope: 'read', label: 'attendees' })
      const coPresenter = await api.createLink(room, { scope: 'write', maxUses: 1, label: 'co-presenter' })
      return new Presentation(
        room,
        shareLink(attendee, options.labUrl),
        shareLink(coPresenter, options.labUrl),
        api,
        handle,
      )
    } catch (error) {
      handle.destroy()
      throw error
    }
  }

  get live(): boolean {
    return !this.stopped
  }

  get status(): string {
    return this.handle.status
  }

  get audience(): number {
    return audienceCount(this.handle.awareness)
  }

  /** Called on every change worth showing (audience, connection, end). Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Stop: revoke both links, which ends every session that came in through them (attendees see
   * that the presenter ended the session), then detach. The notebook stays as it is.
   */
  async stop(): Promise<void> {
    if (this.stopped) return
    const revocations = [this.attendeeLink, this.coPresenterLink].map((link) => this.api.revokeLink(this.room, link.id))
    const results = await Promise.allSettled(revocations)
    this.detach()
    const failed = results.find((result) => result.status === 'rejected')
    if (failed) throw new Error('The presentation stopped, but a link could not be revoked.', { cause: failed.reason })
  }

  /** Leave the room without touching the links (the notebook was closed, or our grant ended). */
  detach(): void {
    if (this.stopped) return
    this.stopped = true
    this.handle.awareness.off('change', this.notify)
    this.handle.destroy()
    this.notify()
    this.listeners.clear()
  }

  private readonly notify = (): void => {
    for (const listener of this.listeners) listener()
  }
}

function freshRoomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return `notebook-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

function shareLink(created: { link: { id: string }; code: string }, labUrl: string): ShareLink {
  const url = new URL(labUrl)
  url.searchParams.set('lectern', created.code)
  return { id: created.link.id, code: created.code, url: url.toString() }
}
