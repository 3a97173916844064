/**
 * The viewer page. /join#CODE: ask for a name, redeem the code (it never leaves the fragment, so no
 * request line or log carries it), then move to /r/ROOM. /r/ROOM: join with the guest key this
 * browser keeps. Everything about the room goes through `lectern/client`.
 */
import * as Y from 'yjs'
import { joinRoom, webStorage, type JoinOptions, type KeyStorage } from 'lectern/client'
import { byId, h, replaceChildren } from '../dom.js'
import { relayUrl, roomPagePath } from '../origin.js'
import { explain, NO_ACCESS } from './messages.js'
import { showRoom } from './room-view.js'

const NAME_KEY = 'lectern.displayName'

const main = byId('app')

function start(): void {
  const code = location.pathname.startsWith('/join') ? location.hash.slice(1).trim() : ''
  if (code) return askName(code)
  if (location.pathname.startsWith('/r/')) {
    const room = decodeURIComponent(location.pathname.slice(3))
    return void join({ room }, undefined)
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

async function join(target: Pick<JoinOptions, 'room' | 'code' | 'displayName'>, displayName: string | undefined): Promise<void> {
  // Whether this browser keeps a guest key: without one (and without a code) there is nothing to join with.
  let keyKept = false
  const kept = webStorage(localStorage)
  const storage: KeyStorage = {
    ...kept,
    get: (key) => {
      const value = kept.get(key)
      keyKept ||= value !== null
      return value
    },
  }
  try {
    const handle = await joinRoom({ relay: relayUrl(), doc: new Y.Doc(), storage, ...target })
    // The code has done its job: the address bar (and history) now names the room instead.
    if (target.code) history.replaceState(null, '', roomPagePath(handle.room))
    showRoom(handle, main, displayName ?? localStorage.getItem(NAME_KEY) ?? undefined)
  } catch (error) {
    fail(target.code === undefined && !keyKept ? NO_ACCESS : explain(error))
  }
}

function fail(message: string): void {
  byId('status').dataset['status'] = 'offline'
  byId('status').textContent = 'not connected'
  replaceChildren(main, h('p', { className: 'error', role: 'alert' }, message))
}

// Another link opened in this tab differs only in its fragment, which loads nothing by itself.
window.addEventListener('hashchange', () => {
  if (location.pathname.startsWith('/join')) location.reload()
})
start()
