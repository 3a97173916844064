/**
 * Signing in to the console with whatever the token service accepts: the server admin key, a guest
 * key holding an admin grant, or an identity token. The credential is typed into a password field
 * and kept in this tab's session storage (or, if asked, this browser's local storage); it never
 * goes into a URL.
 */
import { LecternApi, LecternApiError } from 'lectern/client'
import { h } from '../dom.js'
import { apiUrl } from '../origin.js'

const CREDENTIAL_KEY = 'lectern.present.credential'

export interface Presenter {
  api: LecternApi
  /** The server admin key: every room, but no grants (so no rooms of its own to list). */
  serverAdmin: boolean
  /** Rooms this presenter holds an admin grant on (none for the server admin). */
  rooms: string[]
}

/** Checks a credential against the API: the server admin key is the one that holds no grants. */
export async function signIn(credential: string): Promise<Presenter> {
  const api = new LecternApi({ api: apiUrl(), credential })
  try {
    const shared = await api.myRooms()
    return { api, serverAdmin: false, rooms: shared.filter((room) => room.scope === 'admin').map((room) => room.room) }
  } catch (error) {
    if (error instanceof LecternApiError && error.status === 403 && error.code === 'forbidden') return { api, serverAdmin: true, rooms: [] }
    throw error
  }
}

export function storedCredential(): string | null {
  return sessionStorage.getItem(CREDENTIAL_KEY) ?? localStorage.getItem(CREDENTIAL_KEY)
}

export function storeCredential(credential: string, remember: boolean): void {
  sessionStorage.setItem(CREDENTIAL_KEY, credential)
  if (remember) localStorage.setItem(CREDENTIAL_KEY, credential)
}

export function forgetCredential(): void {
  sessionStorage.removeItem(CREDENTIAL_KEY)
  localStorage.removeItem(CREDENTIAL_KEY)
}

/** The sign-in form; `submitted` gets the credential and whether to remember it. */
export function signInForm(submitted: (credential: string, remember: boolean) => void, problem?: string): HTMLFormElement {
  const credential = h('input', { type: 'password', name: 'credential', required: true, autocomplete: 'current-password', spellcheck: false })
  const remember = h('input', { type: 'checkbox', name: 'remember' })
  const form = h(
    'form',
    { className: 'card sign-in' },
    h('h1', null, 'Sign in to present'),
    h('p', null, 'Use the server admin key (', h('code', null, 'lectern-data/admin.key'), '), a guest key that holds an admin grant, or an identity token.'),
    h('label', null, 'Key or token', credential),
    h('label', { className: 'inline' }, remember, 'Remember on this device'),
    problem ? h('p', { className: 'error', role: 'alert' }, problem) : null,
    h('button', { type: 'submit' }, 'Sign in'),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    submitted(credential.value.trim(), remember.checked)
  })
  queueMicrotask(() => credential.focus())
  return form
}
