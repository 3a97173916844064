/**
 * joinRoom: from what the caller has (a share code, a credential, a ready token) to a room token,
 * then a live session. A guest key from a redeem is kept in the caller's storage, so the same
 * guest comes back with the same grants, and is what refreshes the token later.
 */
import { Awareness } from 'y-protocols/awareness'
import { LecternApi, apiUrlOfRelay } from '../protocol/api-client.js'
import { LecternApiError } from '../protocol/api-error.js'
import type { Redeemed } from '../protocol/api-types.js'
import { defaultStorage, type KeyStorage } from './key-storage.js'
import { RoomSession } from './room-session.js'
import { readTokenClaims } from './token-claims.js'
import type { JoinOptions, RoomHandle, WebSocketClass } from './types.js'

interface Admission {
  room: string
  token: string
  subject: string | undefined
  /** What asks the API for a fresh token later. */
  credential: string | undefined
}

export async function joinRoom(options: JoinOptions): Promise<RoomHandle> {
  const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket
  if (!WebSocketImpl) throw new TypeError('joinRoom: there is no global WebSocket here: pass one as `WebSocket` (in Node: `import WebSocket from \'ws\'`)')
  const api = new LecternApi({ api: options.api ?? apiUrlOfRelay(options.relay), ...(options.fetch ? { fetch: options.fetch } : {}) })
  const storage = options.storage ?? defaultStorage()
  const admission = await admit(options, api, storage)
  const refresher = admission.credential === undefined ? undefined : api.withCredential(admission.credential)
  return new RoomSession({
    relay: options.relay,
    room: admission.room,
    token: admission.token,
    subject: admission.subject,
    doc: options.doc,
    awareness: options.awareness ?? new Awareness(options.doc),
    ownsAwareness: options.awareness === undefined,
    WebSocket: WebSocketImpl,
    readOnlyEdits: options.readOnlyEdits ?? 'discard',
    refreshToken: refresher && (async () => (await refresher.roomToken(admission.room)).token),
  })
}

/** One guest per API: a key from one deployment means nothing to another. */
function guestKeyName(api: LecternApi): string {
  return `lectern.guestKey ${api.api}`
}

async function admit(options: JoinOptions, api: LecternApi, storage: KeyStorage): Promise<Admission> {
  const stored = storage.get(guestKeyName(api)) ?? undefined
  const credential = options.credential ?? stored
  if (options.code !== undefined) return redeem(options, options.code, api, storage, credential, options.credential === undefined)
  if (options.token !== undefined) {
    const claims = readTokenClaims(options.token)
    const room = options.room ?? claims.room
    if (room === undefined) throw new TypeError('joinRoom: give `room`: the token does not name one')
    return { room, token: options.token, subject: claims.sub, credential }
  }
  if (options.room === undefined) throw new TypeError('joinRoom: give a `code`, or a `room` with a `credential` or `token`')
  if (credential === undefined) throw new TypeError(`joinRoom: no credential or token for room ${options.room}, and no guest key stored`)
  const issued = await api.withCredential(credential).roomToken(options.room)
  return { room: issued.room, token: issued.token, subject: readTokenClaims(issued.token).sub, credential }
}

async function redeem(
  options: JoinOptions,
  code: string,
  api: LecternApi,
  storage: KeyStorage,
  credential: string | undefined,
  fromStorage: boolean,
): Promise<Admission> {
  const request = { code, ...(options.displayName !== undefined ? { displayName: options.displayName } : {}) }
  let redeemed: Redeemed
  try {
    redeemed = await api.withCredential(credential).redeem(request)
  } catch (error) {
    // A stored guest key the server no longer knows (a new deployment): become a new guest.
    if (!(fromStorage && credential !== undefined && error instanceof LecternApiError && error.code === 'unauthorized')) throw error
    storage.remove(guestKeyName(api))
    return redeem(options, code, api, storage, undefined, false)
  }
  if (options.room !== undefined && options.room !== redeemed.room) {
    throw new TypeError(`joinRoom: the code is for room ${redeemed.room}, not ${options.room}`)
  }
  if (redeemed.guestKey !== undefined) storage.set(guestKeyName(api), redeemed.guestKey)
  return { room: redeemed.room, token: redeemed.token, subject: redeemed.subject, credential: redeemed.guestKey ?? credential }
}
