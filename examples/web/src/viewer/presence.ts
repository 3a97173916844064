/**
 * Who is in the room, from its awareness: presenters are the states that carry a `user` (JupyterLab
 * and editors publish one), the rest are people watching. A viewer publishes no user while it
 * only reads, so a 500-person audience does not crowd the presenter's collaborator list.
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
    const name = userName(state['user'])
    if (name !== undefined && clientId !== awareness.clientID) presenters.push(name)
    else if (name === undefined) watching++
  }
  return { presenters: [...new Set(presenters)].sort(), watching }
}

export function describePresence({ presenters, watching }: Presence): string {
  const who = presenters.length > 0 ? `Presenting: ${presenters.join(', ')}` : 'Nobody is presenting right now'
  return `${who} · ${watching} watching`
}

function userName(user: unknown): string | undefined {
  if (typeof user !== 'object' || user === null) return undefined
  const { display_name: displayName, name, username } = user as Record<string, unknown>
  const found = [displayName, name, username].find((value) => typeof value === 'string' && value.trim() !== '')
  return typeof found === 'string' ? found.trim().slice(0, 80) : undefined
}
