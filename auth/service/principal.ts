/** Who is calling the token service, once their credential has been checked. */
import { groupSubject } from '../grants.js'

export type Principal =
  /** The server admin credential: every room, every operation. */
  | { kind: 'admin'; actor: string }
  /** A person: a guest holding a guest key, or a user vouched for by the identity provider. */
  | { kind: 'user'; subject: string; groups: string[] }

export type UserPrincipal = Extract<Principal, { kind: 'user' }>

/** The name the audit log records for the caller. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'admin' ? principal.actor : principal.subject
}

/** The subjects whose grants apply to a user: their own and their groups'. */
export function subjectsOf(user: UserPrincipal): string[] {
  return [user.subject, ...user.groups.map(groupSubject)]
}
