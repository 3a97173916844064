/**
 * What a grant may name: one room, or a room prefix written `PREFIX/*` (`course-101/*`), which
 * covers every room whose name starts with `PREFIX/`, existing or created later. `*` cannot appear
 * in a room name, so the two never collide.
 */
import { isValidRoomName } from '../protocol/room-name.js'

const PREFIX_SUFFIX = '/*'

export function isRoomPrefix(target: string): boolean {
  return target.endsWith(PREFIX_SUFFIX) && isValidRoomName(target.slice(0, -1))
}

/** A room name or a room prefix. */
export function isGrantTarget(target: string): boolean {
  return isValidRoomName(target) || isRoomPrefix(target)
}

/** Whether a grant on `target` applies to `room` (a room name, or a prefix it would manage). */
export function targetCovers(target: string, room: string): boolean {
  if (target === room) return true
  if (!isRoomPrefix(target)) return false
  return room.startsWith(target.slice(0, -1))
}
