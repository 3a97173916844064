/**
 * Debian's Chromium driven by playwright-core, for every browser suite (never a downloaded browser).
 * `.ci/run` installs it; elsewhere a suite without it is skipped with a message, in CI it fails.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { build } from 'vite'

export const CHROMIUM_PATH = process.env.LECTERN_CHROMIUM ?? '/usr/bin/chromium'

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH)
}

export async function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled()) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium (bash .ci/run does it)`)
  }
  // Root in a container: no sandbox; no GPU; /dev/shm is small in containers.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}

/**
 * Chromium for the tests of a suite: `prepare` (what the suite needs first) runs and Chromium starts
 * before them, and it is closed after them. Call the returned function in a test for the browser.
 */
export function useChromium(prepare: () => void | Promise<void> = () => undefined): () => Browser {
  let browser: Browser | undefined
  beforeAll(async () => {
    await prepare()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })
  return () => {
    if (!browser) throw new Error('Chromium did not start (see the suite\'s beforeAll)')
    return browser
  }
}

/**
 * `describe` for suites that need Chromium: skipped with a message when it is missing, except in
 * CI (CI=true), where the suite runs and fails at launch.
 */
export function describeWithChromium(name: string, suite: () => void): void {
  const skip = !chromiumInstalled() && process.env.CI !== 'true'
  if (skip) console.warn(`skipping "${name}": no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`)
  describe.skipIf(skip)(name, suite)
}

export interface ServedPage {
  /** http://127.0.0.1:PORT/: an empty page that loads the bundle as a module. */
  url: string
  close(): Promise<void>
}

/**
 * Bundles `entry` for the browser with Vite, as an application would (`lectern/client` resolved
 * to this checkout's source), and serves it on loopback in a page of its own.
 */
export async function servePage(entry: string): Promise<ServedPage> {
  const dir = await mkdtemp(join(tmpdir(), 'lectern-page-'))
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      resolve: { alias: { 'lectern/client': fileURLToPath(new URL('../../client/index.ts', import.meta.url)) } },
      build: { outDir: dir, emptyOutDir: true, minify: false, target: 'es2022', lib: { entry, formats: ['es'], fileName: () => 'page.js' } },
    })
    const script = await readFile(join(dir, 'page.js'))
    const html = '<!doctype html><meta charset="utf-8"><title>page</title><body></body><script type="module" src="/page.js"></script>'
    const server = createServer((req, res) => {
      const isScript = req.url === '/page.js'
      res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' })
      res.end(isScript ? script : html)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    return {
      url,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        }),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
