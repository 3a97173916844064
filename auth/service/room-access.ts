/**
 * Who reaches a room, and the checks every token service call starts with. A grant names a room
 * or a prefix (`course-101/*`); a room's grants are its own and those of every prefix it is under.
 */
import { strongerScope, type Grant } from '../grants.js'
import { isGrantTarget, targetCovers } from '../room-patterns.js'
import { isValidRoomName } from '../../protocol/room-name.js'
import { ServiceError } from './errors.js'
import type { Principal, UserPrincipal } from './principal.js'

/** The grants among `grants` that reach `room`. */
export function grantsCovering(grants: readonly Grant[], room: string): Grant[] {
  return grants.filter((grant) => targetCovers(grant.room, room))
}

/** Every prefix a room is under, narrowest last: `a/b/c` is under `a/*` and `a/b/*`. */
export function prefixesAbove(room: string): string[] {
  const prefixes: string[] = []
  for (let at = room.indexOf('/'); at !== -1; at = room.indexOf('/', at + 1)) prefixes.push(`${room.slice(0, at + 1)}*`)
  return prefixes.filter((prefix) => prefix !== room)
}

/**
 * The grant a user's session on `room` goes by: the strongest; on a tie their own over a group's,
 * then the room's own over a prefix's.
 */
export function bestGrant(grants: readonly Grant[], user: UserPrincipal, room: string): Grant | undefined {
  const rank = (grant: Grant) => (grant.subject === user.subject ? 2 : 0) + (grant.room === room ? 1 : 0)
  return grants.reduce<Grant | undefined>((chosen, grant) => {
    if (!chosen) return grant
    if (grant.scope === chosen.scope) return rank(grant) > rank(chosen) ? grant : chosen
    return strongerScope(grant.scope, chosen.scope) === grant.scope ? grant : chosen
  }, undefined)
}

export function checkRoom(room: string): void {
  if (!isValidRoomName(room)) {
    throw new ServiceError(400, 'invalid_room', 'a room name is 1-256 characters of letters, digits and ._:-/')
  }
}

/** Where a grant may point: a room, or a prefix ending in `/*`. */
export function checkTarget(target: string): void {
  if (!isGrantTarget(target)) {
    throw new ServiceError(400, 'invalid_room', 'a room name is 1-256 characters of letters, digits and ._:-/; a room prefix is one ending in /*')
  }
}

export function requireUser(principal: Principal | null): UserPrincipal {
  if (!principal) throw new ServiceError(401, 'unauthorized', 'this call needs a guest key or an identity token: Authorization: Bearer <credential>')
  if (principal.kind === 'admin') {
    throw new ServiceError(403, 'forbidden', 'the server admin credential holds no grants of its own: call as a guest or a user')
  }
  return principal
}

export function requireServerAdmin(principal: Principal | null): Principal {
  if (!principal) throw new ServiceError(401, 'unauthorized', 'this call needs the server admin credential')
  if (principal.kind !== 'admin') throw new ServiceError(403, 'forbidden', 'this call needs the server admin credential')
  return principal
}
