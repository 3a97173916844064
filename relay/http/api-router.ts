/**
 * A small router for the JSON API: `/api/v1/...` paths with `:name` segments, the caller's
 * credential resolved once per request, and every refusal answered as `{ error, message }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ServiceError } from '../../auth/service/errors.js'
import type { Principal } from '../../auth/service/principal.js'
import { sendError, sendJson } from './http-util.js'
import { clientAddress, type TrustedProxies } from './client-address.js'
import type { RouteHandler } from './http-server.js'

const MAX_BODY_BYTES = 64 * 1024

export interface ApiCall {
  /** A `:name` segment of the route's path. */
  param(name: string): string
  query: URLSearchParams
  principal: Principal | null
  /** The address the request came from: the TCP peer, or the client a trusted proxy names (client-address.ts). */
  clientAddress: string
  /** The parsed JSON body; undefined when there is none. */
  body(): Promise<unknown>
}

export interface ApiAnswer {
  status: number
  body: unknown
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Such as `/rooms/:room/links`; a parameter is one percent-decoded path segment. */
  path: string
  handle(call: ApiCall): Promise<ApiAnswer>
}

export function apiRouter(
  prefix: string,
  routes: readonly ApiRoute[],
  authenticate: (authorization: string | undefined) => Promise<Principal | null>,
  trustedProxies: TrustedProxies,
): RouteHandler {
  const compiled = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }))
  return async (req, res) => {
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2)
    if (rawPath !== prefix && !rawPath.startsWith(`${prefix}/`)) return false
    allowCrossOrigin(res)
    if (req.method === 'OPTIONS') {
      res.writeHead(204)
      res.end()
      return true
    }
    try {
      const segments = splitSegments(rawPath.slice(prefix.length))
      const matches = compiled
        .map(({ route, segments: pattern }) => ({ route, params: matchSegments(pattern, segments) }))
        .filter((match): match is { route: ApiRoute; params: Record<string, string> } => match.params !== null)
      const match = matches.find(({ route }) => route.method === req.method)
      if (!match) {
        if (matches.length > 0) {
          res.setHeader('allow', matches.map(({ route }) => route.method).join(', '))
          throw new ServiceError(405, 'method_not_allowed', `${req.method} is not allowed here`)
        }
        throw new ServiceError(404, 'not_found', `no API route for ${req.method} ${rawPath}`)
      }
      const principal = await authenticate(req.headers.authorization)
      const { params } = match
      const answer = await match.route.handle({
        param: (name) => {
          const value = params[name]
          if (value === undefined) throw new Error(`route ${match.route.path} has no parameter ${name}`)
          return value
        },
        query: new URLSearchParams(rawQuery),
        principal,
        clientAddress: clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies),
        body: () => readJsonBody(req),
      })
      sendJson(res, answer.status, answer.body)
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error
      if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds))
      sendError(res, error.status, error.code, error.message)
    }
    return true
  }
}

/** The API is called with bearer credentials, never cookies, so any origin may call it. */
function allowCrossOrigin(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*')
  res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS')
  res.setHeader('access-control-allow-headers', 'authorization, content-type')
  res.setHeader('access-control-max-age', '600')
}

function splitSegments(path: string): string[] {
  const parts = path.split('/').slice(1)
  try {
    return parts.map((part) => decodeURIComponent(part))
  } catch (error) {
    throw new ServiceError(400, 'invalid_path', 'the path is not valid percent-encoding', { cause: error })
  }
}

function matchSegments(pattern: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!
    const actual = segments[i]!
    if (expected.startsWith(':')) params[expected.slice(1)] = actual
    else if (expected !== actual) return null
  }
  return params
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new ServiceError(413, 'body_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ServiceError(400, 'invalid_json', 'the body is not valid JSON', { cause: error })
  }
}
