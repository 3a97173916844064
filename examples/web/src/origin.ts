/**
 * The pages are served by the relay itself, so the relay and its API are on the page's own origin.
 */

export function relayUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`
}

export function apiUrl(): string {
  return `${location.origin}/api/v1`
}

/** A room's viewer page, /r/ROOM, keeping the room's `/` and `:` readable. */
export function roomPagePath(room: string): string {
  return `/r/${encodeURIComponent(room).replace(/%2F/gi, '/').replace(/%3A/gi, ':')}`
}

/** The share link for a code: the code rides in the fragment, which no request line ever carries. */
export function joinLink(code: string): string {
  return `${location.origin}/join#${code}`
}
