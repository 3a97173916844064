/**
 * Signing in to the console with whatever the token service accepts: the server admin key, a guest
 * key holding an admin grant, or an identity token. The credential is kept as ../credential.ts
 * says; it never goes into a URL.
 */
import { LecternApi, type Caller, type SharedRoom } from 'lectern/client'
import { credentialForm } from '../credential.js'
import { h } from '../dom.js'
import { apiUrl } from '../origin.js'

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

/** The console's sign-in form; `submitted` gets the credential and whether to remember it. */
export function signInForm(submitted: (credential: string, remember: boolean) => void, problem?: string): HTMLFormElement {
  const explanation = ['Use the server admin key (', h('code', null, 'lectern-data/admin.key'), '), a guest key that holds an admin grant, or an identity token.']
  return credentialForm({ heading: 'Sign in to present', explanation, problem }, submitted)
}
