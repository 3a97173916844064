/**
 * The credential a person signs in with, shared by the console and the viewer: typed into a
 * password field, kept in this tab's session storage (or, if asked, this browser's local storage),
 * never put into a URL. One key for both pages, so a presenter signed in to the console opens their
 * rooms' viewer pages, and someone who signed in on a viewer page needs no second sign-in.
 */
import { h } from './dom.js'

const CREDENTIAL_KEY = 'lectern.present.credential'

export function storedCredential(): string | null {
  return sessionStorage.getItem(CREDENTIAL_KEY) ?? localStorage.getItem(CREDENTIAL_KEY)
}

/** Keeps the credential in this tab; also in this browser when asked to, or when it was remembered before. */
export function storeCredential(credential: string, remember: boolean): void {
  const remembered = localStorage.getItem(CREDENTIAL_KEY) !== null
  sessionStorage.setItem(CREDENTIAL_KEY, credential)
  if (remember || remembered) localStorage.setItem(CREDENTIAL_KEY, credential)
}

export function forgetCredential(): void {
  sessionStorage.removeItem(CREDENTIAL_KEY)
  localStorage.removeItem(CREDENTIAL_KEY)
}

/**
 * Whether a credential can hold grants on rooms: a guest key or an identity token (a JWT). The
 * server admin key holds none, so the viewer never sends it to ask for a room token.
 */
export function holdsGrants(credential: string): boolean {
  return /^lct_guest_[A-Za-z0-9_-]+$/.test(credential) || isJwt(credential)
}

function isJwt(credential: string): boolean {
  const parts = credential.split('.')
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return false
  try {
    const header: unknown = JSON.parse(atob(parts[0]!.replace(/-/g, '+').replace(/_/g, '/')))
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string'
  } catch {
    // An admin key that merely has two dots in it.
    return false
  }
}

export interface CredentialFormText {
  heading: string
  /** What to sign in with. */
  explanation: Array<Node | string>
  /** What went wrong with the last attempt. */
  problem?: string | undefined
}

/** A sign-in form; `submitted` gets the credential and whether to remember it on this device. */
export function credentialForm({ heading, explanation, problem }: CredentialFormText, submitted: (credential: string, remember: boolean) => void): HTMLFormElement {
  const credential = h('input', { type: 'password', name: 'credential', required: true, autocomplete: 'current-password', spellcheck: false })
  const remember = h('input', { type: 'checkbox', name: 'remember' })
  const button = h('button', { type: 'submit' }, 'Sign in')
  const form = h(
    'form',
    { className: 'card sign-in' },
    h('h1', null, heading),
    h('p', null, ...explanation),
    h('label', null, 'Key or token', credential),
    h('label', { className: 'inline' }, remember, 'Remember on this device'),
    problem ? h('p', { className: 'error', role: 'alert' }, problem) : null,
    button,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    // One attempt at a time: both pages replace the form with what the attempt led to.
    if (button.disabled) return
    button.disabled = true
    submitted(credential.value.trim(), remember.checked)
  })
  queueMicrotask(() => credential.focus())
  return form
}
