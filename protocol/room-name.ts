/** The room is the URL path after the first `/`, percent-decoded. */

const ROOM_PATTERN = /^[A-Za-z0-9._:\-/]{1,256}$/

export type RoomNameResult = { ok: true; room: string } | { ok: false; reason: string }

export function isValidRoomName(room: string): boolean {
  return ROOM_PATTERN.test(room)
}

/** Extracts the room from a request URL such as `/course-101%2Fweek-3?token=…`. */
export function roomFromRequestUrl(url: string | undefined): RoomNameResult {
  const path = (url ?? '/').split('?', 1)[0]!
  let room: string
  try {
    room = decodeURIComponent(path.slice(1))
  } catch {
    return { ok: false, reason: 'room name is not valid percent-encoding' }
  }
  if (room.length === 0) return { ok: false, reason: 'no room in the URL path' }
  if (!isValidRoomName(room)) {
    return { ok: false, reason: 'room name must be 1-256 characters of letters, digits and ._:-/' }
  }
  return { ok: true, room }
}

/** Reads the `token` query parameter without keeping the URL (which must never reach a log). */
export function tokenFromRequestUrl(url: string | undefined): string | null {
  const query = (url ?? '').split('?')[1]
  if (query === undefined) return null
  return new URLSearchParams(query).get('token')
}
