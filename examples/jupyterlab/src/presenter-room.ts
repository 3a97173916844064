/**
 * The presenter's way into a room: which room a new presentation goes into, and joining it with
 * the notebook's document without ever duplicating a cell (reconcile.ts).
 */
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { joinRoom, LecternApiError, type LecternApi, type RoomHandle } from 'lectern/client'
import { reconcile, type Winner } from './reconcile'
import { apiOption, type LecternSettings } from './settings'

const SET_A_ROOM = 'Set a room in Settings → Lectern (room), or ask the relay\'s operator to add you to its room creators (--room-creators).'

/**
 * A new presentation's room: the one in the settings; else, with the server admin key, a fresh
 * name; else one the relay opens for this identity user (POST /rooms, labelled with the notebook's
 * name), where the presenter is admin.
 */
export async function roomForNewPresentation(api: LecternApi, settings: LecternSettings, label: string): Promise<string> {
  if (settings.room !== '') return settings.room
  if (settings.presenterAuth === 'adminKey') return freshRoomName()
  try {
    return (await api.createRoom({ label })).room
  } catch (error) {
    if (!(error instanceof LecternApiError)) throw error
    if (error.code === 'forbidden') throw new Error(`This relay does not let you open rooms of your own. ${SET_A_ROOM}`, { cause: error })
    // A relay from before POST /rooms: 404 (or 405 where GET /rooms answers).
    if (error.status === 404 || error.status === 405) {
      throw new Error(`This relay cannot open rooms for presenters (it predates POST /api/v1/rooms). ${SET_A_ROOM}`, { cause: error })
    }
    throw error
  }
}

export interface PresenterJoin {
  settings: LecternSettings
  /** The API with the presenter's credential: the server admin key, or an identity token. */
  api: LecternApi
  credential: string
  room: string
  doc: Y.Doc
  awareness: Awareness
  displayName: string
  /** Whose cells stay when the notebook and the room hold different ones (reconcile.ts). */
  winner: Winner
  /** With the admin key: the guest the presenter was in this room before a reload. */
  guestKey?: string | undefined
}

export interface PresenterSession {
  handle: RoomHandle
  /** With the admin key: the presenter's guest, to be the same one after a reload. */
  guestKey: string | undefined
}

/**
 * Joins the room with the notebook's document. First a probe joins with a scratch document, to
 * learn what the room holds before the notebook's document meets it; the notebook is reconciled
 * with that; then the notebook's document joins, as the same subject.
 */
export async function joinAsPresenter(options: PresenterJoin): Promise<PresenterSession> {
  const { settings, room } = options
  const guestKey = options.settings.presenterAuth === 'adminKey' ? (options.guestKey ?? (await invitedGuest(options))) : undefined
  const common = { relay: settings.relayUrl, api: apiOption(settings), room, credential: guestKey ?? options.credential }
  const scratch = new Y.Doc()
  try {
    const probe = await joinRoom({ ...common, doc: scratch })
    try {
      await probe.synced
      reconcile(options.doc, scratch, options.winner)
    } finally {
      probe.destroy()
    }
  } finally {
    scratch.destroy()
  }
  return { handle: await joinRoom({ ...common, doc: options.doc, awareness: options.awareness }), guestKey }
}

/**
 * The admin key holds no grant of its own: it invites the presenter to own the room (one use), and
 * the presenter redeems the invitation as a new guest. That guest key never goes where joinRoom
 * keeps guest keys (localStorage): an attendee view in the same browser would redeem the attendee
 * link as this guest, with its admin grant, and could write. It is kept with the notebook's saved
 * presentation instead, so a reload comes back as the same subject: the relay lets only the
 * subject that first wrote a Yjs client id write more under it, and with jupyter-collaboration
 * the presenter forwards the Jupyter room's changes (the server's, other collaborators') under
 * their own client ids, which a new subject could not continue.
 */
async function invitedGuest(options: PresenterJoin): Promise<string> {
  const invitation = await options.api.createLink(options.room, { scope: 'admin', maxUses: 1, label: 'presenter' })
  const redeemed = await options.api.withCredential(undefined).redeem({ code: invitation.code, displayName: options.displayName })
  if (redeemed.guestKey === undefined) throw new Error('The relay gave the presenter no guest key for the invitation.')
  return redeemed.guestKey
}

function freshRoomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return `notebook-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`
}
