/**
 * Signing in to the console with whatever the token service accepts: the server admin key, a guest
 * key holding an admin grant, or an identity token. The credential is typed into a password field
 * and kept in this tab's session storage (or, if asked, this browser's local storage); it never
 * goes into a URL.
 */
import { LecternApi, type Caller, type SharedRoom } from 'lectern/client'
import { h } from '../dom.js'
import { apiUrl } from '../origin.js'

const CREDENTIAL_KEY = 'lectern.present.credential'

export interface Presenter {
  api: LecternApi
  /** Who the credential is, and whether they may open rooms of their own. */
  caller: Caller
  /** The rooms and room prefixes (`course-101/*`) this presenter holds an admin grant on; none for the server admin, who holds no grants. */
  administered: SharedRoom[]
}

/** Checks a credential against the API (a wrong one is refused with 401) and finds what it administers. */
export async function signIn(credential: string): Promise<Presenter> {
  const api = new LecternApi({ api: apiUrl(), credential })
  const caller = await api.whoAmI()
  const administered = caller.kind === 'admin' ? [] : (await api.myRooms()).filter((room) => room.scope === 'admin')
  return { api, caller, administered }
}

/** How the top bar names the presenter. */
export function presenterName({ kind, subject }: Caller): string {
  if (kind === 'admin') return 'server admin'
  if (kind === 'guest') return 'guest'
  return subject?.replace(/^user:/, '') ?? 'user'
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
