import type { Awareness } from 'y-protocols/awareness'

/** What each Lectern session of the extension puts in the room's awareness. */
export type Role = 'presenter' | 'attendee'

export interface LecternPresence {
  user: { name: string; color: string }
  lectern: { role: Role }
}

export function announce(awareness: Awareness, name: string, color: string, role: Role): void {
  const presence: LecternPresence = { user: { name, color }, lectern: { role } }
  awareness.setLocalState(presence)
}

function roleOf(state: unknown): Role | undefined {
  const role = (state as Partial<LecternPresence> | null)?.lectern?.role
  return role === 'presenter' || role === 'attendee' ? role : undefined
}

/** Attendees present in the room now (everyone whose awareness says so, the local session aside). */
export function audienceCount(awareness: Awareness): number {
  let count = 0
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId !== awareness.clientID && roleOf(state) === 'attendee') count++
  }
  return count
}

/** The presenters' names, as the room's awareness tells them (untrusted text: render it as text). */
export function presenterNames(awareness: Awareness): string[] {
  const names: string[] = []
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID || roleOf(state) !== 'presenter') continue
    const name = (state as Partial<LecternPresence>).user?.name
    names.push(typeof name === 'string' && name !== '' ? name.slice(0, 80) : 'the presenter')
  }
  return names
}
