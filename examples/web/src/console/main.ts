/**
 * The presenter's console: sign in, pick a room (those you administer or opened; with the server
 * admin key, the rooms open on the relay or any room by name) or open a new one, then hand out
 * links and run the audience. All through `lectern/client`'s API.
 */
import { byId, h, replaceChildren } from '../dom.js'
import { RoomList } from './room-list.js'
import { RoomPanel } from './room-panel.js'
import { forgetCredential, storeCredential, storedCredential } from '../credential.js'
import { presenterName, signIn, signInForm, type Presenter } from './sign-in.js'

const LIVE_ROOMS_POLL_MS = 5000
const EXPIRED = 'Your key or token is no longer accepted (an identity token lasts only a while): sign in again.'
const main = byId('app')
const who = byId('who')
let panel: RoomPanel | undefined

async function start(credential: string | null, remember = false, problem?: string): Promise<void> {
  if (!credential) {
    replaceChildren(main, signInForm((typed, keep) => void start(typed, keep), problem))
    return
  }
  replaceChildren(main, h('p', { className: 'waiting' }, 'Signing in…'))
  try {
    const presenter = await signIn(credential)
    storeCredential(credential, remember)
    showConsole(presenter)
  } catch (error) {
    forgetCredential()
    const message = (error as { code?: string }).code === 'unauthorized' ? 'This key or token was not accepted.' : (error as Error).message
    void start(null, false, message)
  }
}

function showConsole(presenter: Presenter): void {
  const signOut = (problem?: string) => {
    clearInterval(roomPoll)
    panel?.close()
    forgetCredential()
    replaceChildren(who)
    void start(null, false, problem)
  }
  const signOutButton = h('button', { type: 'button', className: 'secondary' }, 'Sign out')
  signOutButton.addEventListener('click', () => signOut())
  replaceChildren(who, h('span', { className: 'presenter-name' }, presenterName(presenter.caller)), ' ', signOutButton)
  const area = h('div', { className: 'room-area' }, h('p', { className: 'hint' }, 'Pick a room, or open one by name.'))
  const rooms = new RoomList(presenter, (room, label) => {
    panel?.close()
    panel = new RoomPanel(presenter.api, room, label, presenter.caller, () => signOut(EXPIRED))
    replaceChildren(area, panel.element)
  })
  // The rooms open on the relay now (server admin only), with how many are connected.
  const refreshLiveRooms = () => {
    if (presenter.caller.kind !== 'admin' || document.visibilityState === 'hidden') return
    presenter.api.liveRooms().then((open) => rooms.showLive(open), () => undefined)
  }
  const roomPoll = setInterval(refreshLiveRooms, LIVE_ROOMS_POLL_MS)
  refreshLiveRooms()
  replaceChildren(main, rooms.element, area)
}

void start(storedCredential())
