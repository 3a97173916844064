/// <reference lib="dom" />
/**
 * Helpers for the web app's browser tests, which drive Debian's Chromium (test/support/browser.ts)
 * against a real relay started in the test. The DOM types referenced above are for the callbacks
 * that run inside the page.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { expect } from 'vitest'
import { apiUrlOfRelay, LecternApi } from '../../protocol/api-client.js'
import { useChromium } from '../support/browser.js'
import type { TestRelay } from '../support/relay-fixture.js'
import { readAdminKey } from '../support/token-service-client.js'

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/web/', import.meta.url))
const BUILT_PAGE = fileURLToPath(new URL('../../dist/web/join.html', import.meta.url))

/** Chromium for a web app suite (test/support/browser.ts), once the pages are built and the screenshots have a folder. */
export function useWebBrowser(): () => Browser {
  return useChromium(async () => {
    if (!existsSync(BUILT_PAGE)) throw new Error('the web app is not built: run npm run build (npm test does)')
    await mkdir(SCREENSHOT_DIR, { recursive: true })
  })
}

/** Everything a page reports that a test should fail on: uncaught errors and CSP violations. */
export interface PageProblems {
  errors: string[]
  violations: string[]
}

/** Fails the test on anything its pages reported: an uncaught error or a CSP violation. */
export function expectCleanPages(...pages: PageProblems[]): void {
  for (const { errors, violations } of pages) {
    expect(errors).toEqual([])
    expect(violations).toEqual([])
  }
}

export async function newPage(context: BrowserContext): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage()
  const problems: PageProblems = { errors: [], violations: [] }
  // Reported from inside the page (an init script runs outside the page's CSP).
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) => console.log(`csp-violation ${event.violatedDirective} ${event.sample}`)),
  )
  page.on('pageerror', (error) => problems.errors.push(error.message))
  page.on('console', (message) => {
    const text = message.text()
    if (text.startsWith('csp-violation ')) problems.violations.push(text.slice('csp-violation '.length))
  })
  return { page, problems }
}

/** A viewer in a fresh browser context, joined to `room` through a read-only link the server admin made. */
export async function joinAsViewer(
  browser: Browser,
  relay: TestRelay,
  room: string,
  device: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const admin = new LecternApi({ api: apiUrlOfRelay(relay.url), credential: await readAdminKey(relay.dataDir) })
  const { code } = await admin.createLink(room, { scope: 'read' })
  const context = await browser.newContext(device)
  const { page, problems } = await newPage(context)
  await page.goto(`${relay.url.replace('ws:', 'http:')}/join#${code}`)
  await page.getByRole('button', { name: 'Join' }).click()
  return { context, page, problems }
}

/** A phone's screen, as the viewer's tests open it (an iPhone 12 to 15's CSS pixels). */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

/** The relay's pages and API: its ws:// URL as http://. */
export function siteOf(relay: TestRelay): string {
  return relay.url.replace('ws:', 'http:')
}

/** Every URL the context's pages request from now on (pages, assets, API calls, WebSockets). */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = []
  context.on('request', (request) => urls.push(request.url()))
  context.on('page', (page) => page.on('websocket', (socket) => urls.push(socket.url())))
  return urls
}

export function screenshotPath(name: string): string {
  return `${SCREENSHOT_DIR}${name}.png`
}
