import type { ShareLink } from './presentation'

/**
 * What the presenter's browser remembers of a live presentation, per notebook, so that a reload
 * (or reopening the notebook) resumes it in the same room with the same links, until Stop.
 */
export interface SavedPresentation {
  /** The deployment it lives on: a record for another relay is not resumed. */
  relayUrl: string
  room: string
  attendeeLink: ShareLink
  coPresenterLink: ShareLink
  /** With the server admin key: the presenter's guest in the room (presenter-room.ts says why). */
  guestKey?: string
}

const KEY_PREFIX = 'lectern.presentation '

/** The part of the Web Storage API used here (window.localStorage). */
interface WebStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * Records keyed by the notebook's place: the Jupyter server's base URL (servers of one hub share
 * an origin, and so localStorage) and the notebook's path.
 */
export class SavedPresentations {
  constructor(
    private readonly baseUrl: string,
    private readonly storage: WebStorage = window.localStorage,
  ) {}

  load(path: string): SavedPresentation | undefined {
    const text = this.storage.getItem(this.key(path))
    if (text === null) return undefined
    const saved = parse(text)
    // Written by another version, or by hand: not something to resume.
    if (!saved) this.forget(path)
    return saved
  }

  save(path: string, saved: SavedPresentation): void {
    this.storage.setItem(this.key(path), JSON.stringify(saved))
  }

  forget(path: string): void {
    this.storage.removeItem(this.key(path))
  }

  /** The notebook was renamed or moved: its presentation goes with it. */
  move(from: string, to: string): void {
    const saved = this.load(from)
    if (!saved) return
    this.forget(from)
    this.save(to, saved)
  }

  private key(path: string): string {
    return `${KEY_PREFIX}${this.baseUrl} ${path}`
  }
}

function parse(text: string): SavedPresentation | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const record = value as Partial<Record<keyof SavedPresentation, unknown>> | null
  if (!record || !isText(record.relayUrl) || !isText(record.room)) return undefined
  if (!isLink(record.attendeeLink) || !isLink(record.coPresenterLink)) return undefined
  if (record.guestKey !== undefined && !isText(record.guestKey)) return undefined
  return record as SavedPresentation
}

function isLink(value: unknown): value is ShareLink {
  const link = value as Partial<Record<keyof ShareLink, unknown>> | null
  return typeof link === 'object' && link !== null && isText(link.id) && isText(link.code) && isText(link.url)
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}
