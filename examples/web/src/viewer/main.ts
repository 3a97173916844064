/**
 * The viewer page. /join#CODE: ask for a name, redeem the code (it never leaves the fragment, so no
 * request line or log carries it), then move to /r/ROOM. /r/ROOM: join with what this browser
 * keeps (room-access.ts). Everything about the room goes through `lectern/client`.
 */
import * as Y from 'yjs'
import { joinRoom, webStorage, type JoinOptions } from 'lectern/client'
import { byId, h, replaceChildren } from '../dom.js'
import { relayUrl, roomPagePath } from '../origin.js'
import { explain } from './messages.js'
import { openRoomPage } from './room-access.js'
import { showRoom } from './room-view.js'

const NAME_KEY = 'lectern.displayName'

const main = byId('app')

function start(): void {
  const code = location.pathname.startsWith('/join') ? location.hash.slice(1).trim() : ''
  if (code) return askName(code)
  if (location.pathname.startsWith('/r/')) {
    const room = decodeURIComponent(location.pathname.slice(3))
    byId('room-name').textContent = room
    // An identity user who may write is named by their user name unless they gave one here.
    const nameOf = (subject: string | undefined) => localStorage.getItem(NAME_KEY) ?? subject?.match(/^user:(.+)$/)?.[1]
    return void openRoomPage(room, { show: (handle) => showRoom(handle, main, nameOf(handle.subject)), fail })
  }
  fail('This page needs a share link from the presenter (it looks like …/join#lct_share_…).')
}

function askName(code: string): void {
  const input = h('input', { type: 'text', name: 'name', maxLength: 80, placeholder: 'Your name', value: localStorage.getItem(NAME_KEY) ?? '' })
  const form = h(
    'form',
    { className: 'join-form' },
    h('h1', null, 'Follow the session live'),
    h('label', null, 'Your name, shown to the presenter (optional)', input),
    h('button', { type: 'submit' }, 'Join'),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const name = input.value.trim()
    if (name) localStorage.setItem(NAME_KEY, name)
    else localStorage.removeItem(NAME_KEY)
    replaceChildren(main, h('p', { className: 'waiting' }, 'Joining…'))
    void join({ code, ...(name ? { displayName: name } : {}) }, name || undefined)
  })
  replaceChildren(main, form)
  input.focus()
}

async function join(target: Pick<JoinOptions, 'code' | 'displayName'>, displayName: string | undefined): Promise<void> {
  try {
    const handle = await joinRoom({ relay: relayUrl(), doc: new Y.Doc(), storage: webStorage(localStorage), ...target })
    // The code has done its job: the address bar (and history) now names the room instead.
    history.replaceState(null, '', roomPagePath(handle.room))
    showRoom(handle, main, displayName)
  } catch (error) {
    fail(explain(error))
  }
}

function fail(message: string, ...next: Node[]): void {
  byId('status').dataset['status'] = 'offline'
  byId('status').textContent = 'not connected'
  replaceChildren(main, h('p', { className: 'error', role: 'alert' }, message), ...next)
}

// Another link opened in this tab differs only in its fragment, which loads nothing by itself.
window.addEventListener('hashchange', () => {
  if (location.pathname.startsWith('/join')) location.reload()
})
start()
