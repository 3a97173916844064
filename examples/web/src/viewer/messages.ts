/** What the viewer tells people when a link or their access does not work, by the API's error code. */
export const NO_ACCESS = 'This browser has no access to this room. Sign in with an identity token that has access, or open a share link from the presenter.'

const MESSAGES: Record<string, string> = {
  unknown_code: 'This link is not valid. Check that you opened the whole link.',
  link_expired: 'This link has expired. Ask the presenter for a new one.',
  link_used_up: 'This link has been used as many times as it allows. Ask the presenter for a new one.',
  link_revoked: 'The presenter has withdrawn this link.',
  no_grant: 'You have no access to this room (any more). Sign in with an identity token that has access, or open a share link from the presenter.',
  unauthorized: NO_ACCESS,
  network_error: 'The relay cannot be reached. Check your connection and reload.',
}

/** Why the viewer's sign-in did not open the room. */
export const SIGN_IN_REFUSED = {
  no_grant: 'This token has no access to this room.',
  unauthorized: 'This token was not accepted (an identity token lasts only a while: get a fresh one).',
  not_a_grant_holder: 'That is not an identity token. The server admin key holds no grants on rooms: open a share link instead.',
} as const

export function explain(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  if (typeof code === 'string' && code in MESSAGES) return MESSAGES[code]!
  return `Could not join the room: ${error instanceof Error ? error.message : String(error)}`
}
