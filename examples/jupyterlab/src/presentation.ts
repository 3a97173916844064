import type * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { apiUrlOfRelay, LecternApi, LecternApiError, type Link, type RoomHandle } from 'lectern/client'
import { apiOption, presenterCredential, type LecternSettings } from './settings'
import { announce, audienceCount } from './people'
import { joinAsPresenter, roomForNewPresentation, type PresenterSession } from './presenter-room'
import type { SavedPresentation } from './saved-presentations'

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
  /** The notebook's name: the label of a room the relay opens for it. */
  name: string
  /** The presentation this browser remembers for the notebook: resume it, same room, same links. */
  saved?: SavedPresentation | undefined
}

/** How a presentation ended: Stop, access taken away, or the notebook closed (resumable). */
export type Ending = 'stopped' | 'revoked' | 'detached'

/**
 * One notebook presented live: its Y.Doc attached to a Lectern room through lectern/client,
 * with an attendee link (read-only) and a co-presenter link (write, one use).
 */
export class Presentation {
  private readonly listeners = new Set<() => void>()
  private ending: Ending | undefined

  readonly room: string
  readonly attendeeLink: ShareLink
  readonly coPresenterLink: ShareLink

  private constructor(
    /** What a reload needs to resume this presentation. */
    readonly saved: SavedPresentation,
    private readonly api: LecternApi,
    private readonly handle: RoomHandle,
  ) {
    this.room = saved.room
    this.attendeeLink = saved.attendeeLink
    this.coPresenterLink = saved.coPresenterLink
    handle.awareness.on('change', this.notify)
    handle.on('status', this.notify)
    handle.on('revoked', () => this.end('revoked'))
  }

  /**
   * Presents anew (the notebook is what the room shows), or resumes a saved presentation (the room
   * is the truth: attendees may have edited it while the presenter was away).
   */
  static async start(options: PresentOptions): Promise<Presentation> {
    const { settings, doc, saved } = options
    const credential = await presenterCredential(settings)
    const api = new LecternApi({ api: apiBase(settings), credential })
    if (saved) await requireActive(api, saved)
    const room = saved?.room ?? (await roomForNewPresentation(api, settings, options.name))
    const awareness = new Awareness(doc)
    announce(awareness, options.user.name, options.user.color, 'presenter')
    let session: PresenterSession
    try {
      const winner = saved ? 'room' : 'notebook'
      const displayName = options.user.name
      session = await joinAsPresenter({ settings, api, credential, room, doc, awareness, displayName, winner, guestKey: saved?.guestKey })
    } catch (error) {
      awareness.destroy()
      throw saved ? endedIfRefused(error, saved) : error
    }
    const { handle, guestKey } = session
    try {
      await handle.synced
      const links = saved ? { attendeeLink: saved.attendeeLink, coPresenterLink: saved.coPresenterLink } : await createLinks(api, room, options.labUrl)
      const record: SavedPresentation = { relayUrl: settings.relayUrl, room, ...links, ...(guestKey !== undefined ? { guestKey } : {}) }
      return new Presentation(record, api, handle)
    } catch (error) {
      handle.destroy()
      awareness.destroy()
      throw error
    }
  }

  /** Undefined while live. */
  get endedBy(): Ending | undefined {
    return this.ending
  }

  get live(): boolean {
    return this.ending === undefined
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
    if (!this.live) return
    const revocations = [this.attendeeLink, this.coPresenterLink].map((link) => this.api.revokeLink(this.room, link.id))
    const results = await Promise.allSettled(revocations)
    this.end('stopped')
    const failed = results.find((result) => result.status === 'rejected')
    if (failed) throw new Error('The presentation stopped, but a link could not be revoked.', { cause: failed.reason })
  }

  /** Leave the room without touching the links (the notebook was closed): it can be resumed. */
  detach(): void {
    this.end('detached')
  }

  private end(ending: Ending): void {
    if (!this.live) return
    this.ending = ending
    this.handle.awareness.off('change', this.notify)
    this.handle.destroy()
    // Ours, not the handle's: it was made for the notebook's document (its timer would run on).
    this.handle.awareness.destroy()
    this.notify()
    this.listeners.clear()
  }

  private readonly notify = (): void => {
    for (const listener of this.listeners) listener()
  }
}

function apiBase(settings: LecternSettings): string {
  return apiOption(settings) ?? apiUrlOfRelay(settings.relayUrl)
}

/** Thrown when a saved presentation is over (Stop elsewhere, links revoked or expired). */
export class PresentationEnded extends Error {
  override readonly name = 'PresentationEnded'
}

/** A saved presentation resumes only while its attendee link still lets people in. */
async function requireActive(api: LecternApi, saved: SavedPresentation): Promise<void> {
  let links: Link[]
  try {
    links = await api.listLinks(saved.room)
  } catch (error) {
    // No longer an admin of the room: whoever ended it took that away too.
    if (error instanceof LecternApiError && (error.status === 403 || error.status === 404)) {
      throw new PresentationEnded(`You no longer manage room ${saved.room} (${error.message}).`, { cause: error })
    }
    throw error
  }
  const status = links.find((link) => link.id === saved.attendeeLink.id)?.status ?? 'gone'
  if (status !== 'active') throw new PresentationEnded(`Its attendee link is ${status.replace('_', ' ')}.`)
}

/** The presenter's own access to the room was taken away (or its guest is unknown) while away. */
function endedIfRefused(error: unknown, saved: SavedPresentation): unknown {
  if (!(error instanceof LecternApiError)) return error
  if (error.status === 403 || (error.status === 401 && saved.guestKey !== undefined)) {
    return new PresentationEnded(`Your access to room ${saved.room} ended (${error.message}).`, { cause: error })
  }
  return error
}

async function createLinks(api: LecternApi, room: string, labUrl: string): Promise<{ attendeeLink: ShareLink; coPresenterLink: ShareLink }> {
  const attendee = await api.createLink(room, { scope: 'read', label: 'attendees' })
  const coPresenter = await api.createLink(room, { scope: 'write', maxUses: 1, label: 'co-presenter' })
  return { attendeeLink: shareLink(attendee, labUrl), coPresenterLink: shareLink(coPresenter, labUrl) }
}

function shareLink(created: { link: { id: string }; code: string }, labUrl: string): ShareLink {
  const url = new URL(labUrl)
  url.searchParams.set('lectern', created.code)
  return { id: created.link.id, code: created.code, url: url.toString() }
}
