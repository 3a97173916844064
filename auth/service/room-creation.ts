/**
 * Presenters open their own rooms. An identity user the deployment allows (`--room-creators`:
 * subjects such as `group:staff`; nobody by default) gets a room with a fresh unguessable name
 * under a prefix of their own, `u/<user>/<random>`, and an admin grant on it. Guests never can:
 * a guest key is anyone who opened a link.
 */
import { GUEST_NAME_PREFIX } from '../identity.js'
import type { Caller, OpenedRoom } from '../../protocol/api-types.js'
import { randomToken } from '../secrets.js'
import type { AccessStore } from '../store/access-store.js'
import type { Clock } from '../clock.js'
import { ServiceError } from './errors.js'
import { subjectsOf, type Principal, type UserPrincipal } from './principal.js'
import { requireUser } from './room-access.js'
import type { TokenServiceSettings } from './settings.js'

/** 12 random bytes: 96 bits, nobody finds the room by guessing. */
const ROOM_NAME_BYTES = 12

export async function openRoom(
  parts: { store: AccessStore; settings: TokenServiceSettings; clock: Clock },
  principal: Principal | null,
  label?: string,
): Promise<OpenedRoom> {
  const user = requireUser(principal)
  const refusal = roomCreationRefusal(parts.settings, user)
  if (refusal) throw new ServiceError(403, 'forbidden', refusal)
  const name = user.subject.slice('user:'.length)
  const room = `u/${roomSafe(name)}/${randomToken('', ROOM_NAME_BYTES)}`
  const { grant } = await parts.store.setGrant({
    room,
    subject: user.subject,
    scope: 'admin',
    actor: user.subject,
    at: parts.clock.now(),
    ...(label !== undefined ? { label } : {}),
  })
  return { room, grant }
}

/**
 * Who is calling, and whether they may open rooms: the presenter's console asks before it offers
 * a "New room" button, since by default nobody may.
 */
export function describeCaller(settings: TokenServiceSettings, principal: Principal | null): Caller {
  if (!principal) throw new ServiceError(401, 'unauthorized', 'this call needs a credential: Authorization: Bearer <credential>')
  if (principal.kind === 'admin') return { kind: 'admin', groups: [], mayOpenRooms: false }
  const mayOpenRooms = roomCreationRefusal(settings, principal) === undefined
  return { kind: isGuest(principal) ? 'guest' : 'user', subject: principal.subject, groups: principal.groups, mayOpenRooms }
}

/** Why `user` may not open a room, or undefined if they may. */
function roomCreationRefusal(settings: TokenServiceSettings, user: UserPrincipal): string | undefined {
  if (isGuest(user)) return 'guests cannot open rooms: sign in with your identity provider'
  const creators = new Set(settings.roomCreators ?? [])
  if (!subjectsOf(user).some((subject) => creators.has(subject))) return 'opening rooms is not allowed for you on this server (see --room-creators)'
  return undefined
}

/** A guest key's subject: identity users cannot be called anon-…, so the name says it. */
function isGuest(user: UserPrincipal): boolean {
  return user.subject.startsWith(`user:${GUEST_NAME_PREFIX}`)
}

/**
 * A user name as a room name segment: `@` and `+` are not allowed in room names, so they (and the
 * escape character `:` itself, which user names cannot hold) are written `:40` and `:2b`.
 */
function roomSafe(name: string): string {
  return name.replace(/[@+]/g, (char) => `:${char.charCodeAt(0).toString(16)}`)
}
