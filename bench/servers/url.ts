/** The room (URL path) and the `token` query parameter of an upgrade request, as the bench sends them. */
export function roomAndToken(url: string | undefined): { room: string; token: string | null } {
  const [path = '/', query = ''] = (url ?? '/').split('?', 2)
  return { room: decodeURIComponent(path.slice(1)), token: new URLSearchParams(query).get('token') }
}
