/**
 * The presenter's console: sign in, pick a room (those you administer; with the server admin key,
 * the rooms open on the relay or any room by name), then hand out links and run the audience. All
 * through `lectern/client`'s API.
 */
import { byId, h, replaceChildren } from '../dom.js'
import { RoomPanel } from './room-panel.js'
import { forgetCredential, signIn, signInForm, storeCredential, storedCredential, type Presenter } from './sign-in.js'

const RECENT_KEY = 'lectern.present.rooms'
const LIVE_ROOMS_POLL_MS = 5000
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
    storeCredential(credential, remember || localStorage.getItem('lectern.present.credential') !== null)
    showConsole(presenter)
  } catch (error) {
    forgetCredential()
    const message = (error as { code?: string }).code === 'unauthorized' ? 'This key or token was not accepted.' : (error as Error).message
    void start(null, false, message)
  }
}

function showConsole(presenter: Presenter): void {
  const signOut = h('button', { type: 'button', className: 'secondary' }, 'Sign out')
  signOut.addEventListener('click', () => {
    clearInterval(roomPoll)
    panel?.close()
    forgetCredential()
    replaceChildren(who)
    void start(null)
  })
  replaceChildren(who, presenter.serverAdmin ? 'server admin' : 'room admin', ' ', signOut)
  const rooms = h('ul', { className: 'room-list' })
  const area = h('div', { className: 'room-area' }, h('p', { className: 'hint' }, 'Pick a room, or open one by name.'))
  const open = (room: string) => {
    panel?.close()
    panel = new RoomPanel(presenter.api, room)
    replaceChildren(area, panel.element)
    remember(room)
    listRooms()
  }
  // Rooms open on the relay now (server admin only), with how many are connected.
  let live = new Map<string, number>()
  const listRooms = () => {
    const names = [...new Set([...live.keys(), ...presenter.rooms, ...recentRooms()])]
    replaceChildren(rooms, ...names.map((room) => {
      const sessions = live.get(room)
      const button = h(
        'button',
        { type: 'button', className: room === panel?.room ? 'room current' : 'room' },
        room,
        sessions ? h('span', { className: 'live-count' }, ` · ${sessions} connected`) : null,
      )
      button.addEventListener('click', () => open(room))
      return h('li', null, button)
    }))
  }
  const refreshLiveRooms = () => {
    if (!presenter.serverAdmin || document.visibilityState === 'hidden') return
    presenter.api.liveRooms().then((open) => {
      live = new Map(open.map(({ room, sessions }) => [room, sessions]))
      listRooms()
    }, () => undefined)
  }
  const roomPoll = setInterval(refreshLiveRooms, LIVE_ROOMS_POLL_MS)
  refreshLiveRooms()
  const name = h('input', { type: 'text', name: 'room', required: true, placeholder: 'course-101/week-3', spellcheck: false })
  const openForm = h('form', { className: 'open-room' }, h('label', null, 'Room', name), h('button', { type: 'submit' }, 'Open'))
  openForm.addEventListener('submit', (event) => {
    event.preventDefault()
    if (name.value.trim()) open(name.value.trim())
    name.value = ''
  })
  listRooms()
  replaceChildren(main, h('nav', { className: 'card rooms' }, h('h2', null, 'Rooms'), rooms, openForm), area)
}

function recentRooms(): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]')
    return Array.isArray(stored) ? stored.filter((room): room is string => typeof room === 'string') : []
  } catch {
    return []
  }
}

function remember(room: string): void {
  const rooms = [room, ...recentRooms().filter((other) => other !== room)].slice(0, 20)
  localStorage.setItem(RECENT_KEY, JSON.stringify(rooms))
}

void start(storedCredential())
