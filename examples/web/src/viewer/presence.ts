/**
 * Who is in the room, from its awareness: presenters are the states that carry a `user` (JupyterLab
 * and editors publish one), the rest are people watching. A viewer publishes no user while it
 * only reads, so a 500-person audience does not crowd the presenter's collaborator list. The
 * JupyterLab extension's attendees do publish one (JupyterLab shows collaborators by it), marked
 * `lectern.role: 'attendee'`: they are watching too, or a JupyterLab audience would be listed as
 * presenting.
 */
import type { Awareness } from 'y-protocols/awareness'

export interface Presence {
  presenters: string[]
  watching: number
}

export function presenceOf(awareness: Awareness): Presence {
  const presenters: string[] = []
  let watching = 0
  for (const [clientId, state] of awareness.getStates()) {
    const name = isAttendee(state) ? undefined : userName(state['user'])
    if (name !== undefined && clientId !== awareness.clientID) presenters.push(name)
    else if (name === undefined) watching++
  }
  return { presenters: [...new Set(presenters)].sort(), watching }
}

export function describePresence({ presenters, watching }: Presence): string {
  const who = presenters.length > 0 ? `Presenting: ${presenters.join(', ')}` : 'Nobody is presenting right now'
  return `${who} · ${watching} watching`
}

function isAttendee(state: Record<string, unknown>): boolean {
  const lectern = state['lectern']
  return typeof lectern === 'object' && lectern !== null && (lectern as Record<string, unknown>)['role'] === 'attendee'
}

function userName(user: unknown): string | undefined {
  if (typeof user !== 'object' || user === null) return undefined
  const { display_name: displayName, name, username } = user as Record<string, unknown>
  const found = [displayName, name, username].find((value) => typeof value === 'string' && value.trim() !== '')
  return typeof found === 'string' ? found.trim().slice(0, 80) : undefined
}
