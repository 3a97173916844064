/**
 * Presenters open their own rooms. An identity user the deployment allows (`--room-creators`:
 * subjects such as `group:staff`; nobody by default) gets a room with a fresh unguessable name
 * under a prefix of their own, `u/<user>/<random>`, and an admin grant on it. Guests never can:
 * a guest key is anyone who opened a link.
 */
import { GUEST_NAME_PREFIX } from '../identity.js'
import type { OpenedRoom } from '../../protocol/api-types.js'
import { randomToken } from '../secrets.js'
import type { AccessStore } from '../store/access-store.js'
import type { Clock } from '../clock.js'
import { ServiceError } from './errors.js'
import { subjectsOf, type Principal } from './principal.js'
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
  const name = user.subject.slice('user:'.length)
  if (name.startsWith(GUEST_NAME_PREFIX)) throw new ServiceError(403, 'forbidden', 'guests cannot open rooms: sign in with your identity provider')
  const creators = new Set(parts.settings.roomCreators ?? [])
  if (!subjectsOf(user).some((subject) => creators.has(subject))) {
    throw new ServiceError(403, 'forbidden', 'opening rooms is not allowed for you on this server (see --room-creators)')
  }
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
 * A user name as a room name segment: `@` and `+` are not allowed in room names, so they (and the
 * escape character `:` itself, which user names cannot hold) are written `:40` and `:2b`.
 */
function roomSafe(name: string): string {
  return name.replace(/[@+]/g, (char) => `:${char.charCodeAt(0).toString(16)}`)
}
