/**
 * The relay serves the built pages itself: /present, /join and /r/ROOM with a strict CSP, hashed
 * assets by exact name only, and a clear answer when the pages were never built.
 */
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { NONCE_PLACEHOLDER, acceptsGzip, pageCsp, webPageRoutes } from '../../relay/http/web-pages.js'

let server: Server | undefined
let dir: string | undefined

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  if (dir) await rm(dir, { recursive: true, force: true })
  server = dir = undefined
})

async function serve(pagesDir: string): Promise<string> {
  const routes = await webPageRoutes(pagesDir)
  server = createServer((req, res) => {
    void routes(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end('not mine')
    })
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return `http://127.0.0.1:${address.port}`
}

/** A script that compresses well, as real bundles do. */
const SCRIPT = `export const words = ${JSON.stringify('the quick brown fox jumps over the lazy dog '.repeat(200))}\n`

/** A GET with exactly these request headers (fetch would add and undo its own Accept-Encoding). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

async function builtPages(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'lectern-pages-'))
  await mkdir(join(dir, 'assets'))
  await writeFile(join(dir, 'present.html'), '<!doctype html><title>console</title>')
  await writeFile(join(dir, 'join.html'), `<!doctype html><meta name="lectern-style-nonce" content="${NONCE_PLACEHOLDER}"><title>viewer</title>`)
  await writeFile(join(dir, 'assets', 'join-abc123.js'), SCRIPT)
  await writeFile(join(dir, 'secret.txt'), 'not an asset')
  return dir
}

describe('web pages', () => {
  it('serves the console and the viewer with a CSP that allows no inline script', async () => {
    const base = await serve(await builtPages())
    for (const [path, title] of [['/present', 'console'], ['/join', 'viewer'], ['/r/course-101/week-3', 'viewer'], ['/r/json:notebook:abc', 'viewer']]) {
      const response = await fetch(`${base}${path}`)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain(`<title>${title}</title>`)
      const csp = response.headers.get('content-security-policy')!
      const nonce = /'nonce-([A-Za-z0-9+/=]{24})'/.exec(csp)?.[1]
      expect(csp).toBe(pageCsp(nonce!))
      const scriptSrc = csp.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('script-src '))
      expect(scriptSrc).toBe("script-src 'self'")
      expect(csp).toContain("require-trusted-types-for 'script'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })

  it('gives every page response a fresh style nonce, in the CSP and in the page', async () => {
    const base = await serve(await builtPages())
    const nonces = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${base}/join`)
      const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy')!)![1]!
      expect(await response.text()).toContain(`<meta name="lectern-style-nonce" content="${nonce}">`)
      nonces.add(nonce)
    }
    expect(nonces.size).toBe(3)
  })

  it('serves assets by exact name only, cached for good', async () => {
    const base = await serve(await builtPages())
    const asset = await fetch(`${base}/assets/join-abc123.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(asset.headers.get('cache-control')).toContain('immutable')
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/missing.js', '/secret.txt', '/assets/']) {
      expect(await (await fetch(`${base}${path}`)).text()).toBe('not mine')
    }
    expect((await fetch(`${base}/present`, { method: 'POST' })).status).toBe(404)
    const head = await fetch(`${base}/join`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('sends scripts gzipped to a browser that accepts it, as they are to one that does not', async () => {
    const base = await serve(await builtPages())
    const zipped = await rawGet(`${base}/assets/join-abc123.js`, { 'accept-encoding': 'gzip, deflate, br, zstd' })
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(zipped.headers.vary).toBe('accept-encoding')
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length)
    expect(zipped.body.length).toBeLessThan(SCRIPT.length / 10)
    expect(gunzipSync(zipped.body).toString()).toBe(SCRIPT)
    for (const headers of [{}, { 'accept-encoding': 'br' }, { 'accept-encoding': 'gzip;q=0, *' }] as Array<Record<string, string>>) {
      const plain = await rawGet(`${base}/assets/join-abc123.js`, headers)
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.body.toString()).toBe(SCRIPT)
    }
    // Pages carry a fresh nonce each time: they are small and sent as they are.
    expect((await rawGet(`${base}/join`, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined()
  })

  it('reads Accept-Encoding by its weights', () => {
    expect(acceptsGzip('gzip')).toBe(true)
    expect(acceptsGzip('deflate, GZIP;q=0.5')).toBe(true)
    expect(acceptsGzip('*')).toBe(true)
    expect(acceptsGzip('gzip;q=0')).toBe(false)
    expect(acceptsGzip('gzip;q=0, *;q=1')).toBe(false)
    expect(acceptsGzip('identity')).toBe(false)
    expect(acceptsGzip(undefined)).toBe(false)
  })

  it('sends / to the console', async () => {
    const base = await serve(await builtPages())
    const response = await fetch(`${base}/`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/present')
  })

  it('says how to build the pages when they are missing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-pages-'))
    const base = await serve(dir)
    const response = await fetch(`${base}/join`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'not_built', message: 'the web app is not built: run npm run build' })
  })
})
