/**
 * Serves the web app (examples/web, built by Vite into dist/web) from the relay's own port: the
 * presenter's console at /present, the viewer at /join (the share code stays in the URL fragment,
 * which never reaches the server) and /r/ROOM. The files are read once at start and served from
 * memory, by exact name only, so no request path ever reaches the file system. Scripts and
 * stylesheets are gzipped once at start too, and sent so to every browser that accepts it (all do):
 * the viewer's script is a third of its size on a phone's connection.
 */
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendError } from './http-util.js'
import type { RouteHandler } from './http-server.js'

/**
 * Scripts only from this origin, no inline script, and Trusted Types so that no string ever turns
 * into markup except through DOMPurify's policy. Styles: files from this origin, plus the style
 * elements CodeMirror writes for its themes, which carry this response's nonce (the page reads it
 * from a meta tag); style attributes are allowed because the editor colours remote cursors with
 * them. Images: this origin and data: URLs (notebook outputs), so an output cannot make the
 * browser fetch from elsewhere.
 */
export function pageCsp(styleNonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types dompurify',
  ].join('; ')
}

/** Where the built pages expect the style nonce (`<meta name="lectern-style-nonce" content="…">`). */
export const NONCE_PLACEHOLDER = '__LECTERN_STYLE_NONCE__'

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

/** Text assets, worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.map'])

interface StaticFile {
  body: Buffer
  /** The body gzipped, for a client that accepts it. */
  gzipped?: Buffer
  headers: Record<string, string>
  /** A page's text, with the nonce placeholder still in it. */
  page?: string
}

/** Where the built pages are: beside the compiled relay (dist/web), or under dist/ when run from source. */
const CANDIDATE_DIRS = ['../../web/', '../../dist/web/'].map((path) => fileURLToPath(new URL(path, import.meta.url)))

/**
 * The pages' routes. When the pages were not built (`npm run build` builds them), the routes say
 * so instead of failing.
 */
export async function webPageRoutes(dir?: string): Promise<RouteHandler> {
  const files = await loadPages(dir)
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    const path = (req.url ?? '/').split('?', 1)[0]!
    const name = pageFor(path) ?? (path.startsWith('/assets/') ? path.slice(1) : undefined)
    if (name === undefined) {
      if (path !== '/') return false
      res.writeHead(302, { location: '/present' })
      res.end()
      return true
    }
    const file = files?.get(name)
    if (!file) {
      if (files || !pageFor(path)) return false
      sendError(res, 404, 'not_built', 'the web app is not built: run npm run build')
      return true
    }
    send(req, res, file)
    return true
  }
}

function pageFor(path: string): string | undefined {
  if (path === '/present' || path === '/present/') return 'present.html'
  if (path === '/join' || path === '/join/' || path.startsWith('/r/')) return 'join.html'
  return undefined
}

function send(req: IncomingMessage, res: ServerResponse, file: StaticFile): void {
  let { body, headers } = file
  if (file.page) {
    // A fresh nonce for every response: a nonce that never changes would protect nothing.
    const nonce = randomBytes(18).toString('base64')
    body = Buffer.from(file.page.replaceAll(NONCE_PLACEHOLDER, nonce))
    headers = { ...headers, 'content-security-policy': pageCsp(nonce) }
  }
  if (file.gzipped) {
    headers = { ...headers, vary: 'accept-encoding' }
    if (acceptsGzip(req.headers['accept-encoding'])) {
      body = file.gzipped
      headers = { ...headers, 'content-encoding': 'gzip' }
    }
  }
  res.writeHead(200, { ...headers, 'content-length': String(body.length) })
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** Whether an Accept-Encoding header admits gzip: named, or `*`, with a weight above zero. */
export function acceptsGzip(header: string | undefined): boolean {
  const weights = new Map<string, number>()
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase())
    if (!coding) continue
    const q = params.find((param) => param.startsWith('q='))
    weights.set(coding, q === undefined ? 1 : Number(q.slice(2)) || 0)
  }
  return (weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*') ?? 0) > 0
}

async function loadPages(dir: string | undefined): Promise<Map<string, StaticFile> | undefined> {
  for (const candidate of dir ? [dir] : CANDIDATE_DIRS) {
    const files = new Map<string, StaticFile>()
    try {
      for (const page of ['present.html', 'join.html']) {
        const text = await readFile(join(candidate, page), 'utf8')
        files.set(page, { body: Buffer.from(text), headers: PAGE_HEADERS, page: text })
      }
    } catch {
      continue
    }
    const assets = await readdir(join(candidate, 'assets')).catch(() => [])
    for (const asset of assets) {
      const type = CONTENT_TYPES[extname(asset)]
      if (!type) continue
      const body = await readFile(join(candidate, 'assets', asset))
      files.set(`assets/${asset}`, {
        body,
        ...(COMPRESSIBLE.has(extname(asset)) ? { gzipped: gzipSync(body, { level: 9 }) } : {}),
        // Asset names carry a content hash: a new build gets new names.
        headers: { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
      })
    }
    return files
  }
  return undefined
}
