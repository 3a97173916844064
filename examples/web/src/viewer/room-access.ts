/**
 * /r/ROOM, for people who already have access: who gets in with what this browser keeps. First the
 * guest key kept from a redeemed link; then the credential the console keeps (an identity token or
 * a guest key; never the server admin key, which holds no grants). When neither gets in, the page
 * says so and offers a sign-in with an identity token (kept as the console keeps it), or a link.
 */
import * as Y from 'yjs'
import { joinRoom, LecternApiError, memoryStorage, webStorage, type RoomHandle } from 'lectern/client'
import { credentialForm, holdsGrants, storeCredential, storedCredential } from '../credential.js'
import { relayUrl } from '../origin.js'
import { explain, NO_ACCESS, SIGN_IN_REFUSED } from './messages.js'

export interface RoomPage {
  show(handle: RoomHandle): void
  /** Says what went wrong, with what to do about it below. */
  fail(message: string, ...next: Node[]): void
}

export async function openRoomPage(room: string, page: RoomPage): Promise<void> {
  try {
    const joined = await joinWithKept(room)
    if (typeof joined !== 'string') return page.show(joined)
    page.fail(joined, signIn(room, page))
  } catch (error) {
    page.fail(explain(error))
  }
}

/** The room joined, or what to tell someone whose browser keeps nothing the room admits. */
async function joinWithKept(room: string): Promise<RoomHandle | string> {
  let keptKey: string | null = null
  const kept = webStorage(localStorage)
  try {
    return await joinRoom({ relay: relayUrl(), doc: new Y.Doc(), room, storage: { ...kept, get: (key) => (keptKey = kept.get(key)) } })
  } catch (error) {
    // Without a kept key, joinRoom stops before asking anything: the refusal is this browser's.
    if (keptKey !== null && refusal(error) === undefined) throw error
    const credential = storedCredential()
    const why = keptKey === null ? NO_ACCESS : explain(error)
    if (credential === null || credential === keptKey || !holdsGrants(credential)) return why
    try {
      return await joinWith(room, credential)
    } catch (withCredential) {
      if (refusal(withCredential) === undefined) throw withCredential
      return why
    }
  }
}

function joinWith(room: string, credential: string): Promise<RoomHandle> {
  // The credential refreshes the room token; no guest key comes of it, so nothing is stored.
  return joinRoom({ relay: relayUrl(), doc: new Y.Doc(), room, credential, storage: memoryStorage() })
}

/** The API's code when it refused the credential (no grant on the room, or not accepted at all). */
function refusal(error: unknown): 'no_grant' | 'unauthorized' | undefined {
  if (!(error instanceof LecternApiError)) return undefined
  return error.code === 'no_grant' || error.code === 'unauthorized' ? error.code : undefined
}

function signIn(room: string, page: RoomPage, problem?: string): HTMLFormElement {
  const explanation = ['Use an identity token that has access to this room. It stays in this browser, never in a URL. Or open a share link from the presenter.']
  return credentialForm({ heading: 'Sign in to open this room', explanation, problem }, (credential, remember) => {
    if (!holdsGrants(credential)) return page.fail(NO_ACCESS, signIn(room, page, SIGN_IN_REFUSED.not_a_grant_holder))
    joinWith(room, credential).then(
      (handle) => {
        storeCredential(credential, remember)
        page.show(handle)
      },
      (error: unknown) => {
        const refused = refusal(error)
        page.fail(NO_ACCESS, signIn(room, page, refused ? SIGN_IN_REFUSED[refused] : explain(error)))
      },
    )
  })
}
