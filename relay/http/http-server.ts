/**
 * What the relay's server and the token service's own server share: routes tried in order, a
 * JSON 404, a 500 that logs the error with its stack, the JWKS and health routes, and listening.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { KeyRing } from '../../auth/keys.js'
import type { Logger } from '../logger.js'
import { sendError, sendJson } from './http-util.js'

/** A route; resolves to false when it does not handle the request. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>

export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0]!
}

/** An HTTP server answering with the first route that handles a request, else 404. */
export function createRoutedServer(routes: readonly RouteHandler[], log: Logger): Server {
  return createServer((req, res) => {
    answer(routes, req, res).catch((error: unknown) => {
      log.error({ method: req.method, path: pathOf(req), err: error }, 'request failed')
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal server error')
      else res.end()
    })
  })
}

async function answer(routes: readonly RouteHandler[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const route of routes) if (await route(req, res)) return
  sendError(res, 404, 'not_found', `no route for ${req.method} ${pathOf(req)}`)
}

/** A route for `GET path` only. */
export function getRoute(path: string, handle: (res: ServerResponse) => Promise<void> | void): RouteHandler {
  return async (req, res) => {
    if (req.method !== 'GET' || pathOf(req) !== path) return false
    await handle(res)
    return true
  }
}

/** `GET /.well-known/jwks.json`: the public keys that verify room tokens. */
export function jwksRoute(keys: KeyRing): RouteHandler {
  return getRoute('/.well-known/jwks.json', (res) => sendJson(res, 200, keys.jwks()))
}

/** `GET /healthz`: 200 with the body while `check` says ok, 503 otherwise. */
export function healthRoute(check: () => { ok: boolean; body: Record<string, unknown> }): RouteHandler {
  return getRoute('/healthz', (res) => {
    const { ok, body } = check()
    sendJson(res, ok ? 200 : 503, body)
  })
}

/** Listens on host:port (port 0: any free one); resolves to where it listens, as `http://host:port` too. */
export async function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on TCP')
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address
  return { host: address.address, port: address.port, url: `http://${urlHost}:${address.port}` }
}
