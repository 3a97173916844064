/// <reference lib="dom" />
/**
 * Helpers for the web app's browser tests, which drive Debian's Chromium (test/support/browser.ts)
 * against a real relay started in the test. The DOM types referenced above are for the callbacks
 * that run inside the page.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium } from '../support/browser.js'

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/web/', import.meta.url))
const BUILT_PAGE = fileURLToPath(new URL('../../dist/web/join.html', import.meta.url))

export function requireBuiltPages(): void {
  if (!existsSync(BUILT_PAGE)) throw new Error('the web app is not built: run npm run build (npm test does)')
}

/** Chromium (test/support/browser.ts), with the folder the screenshots go to. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  return launchChromium()
}

/** Everything a page reports that a test should fail on: uncaught errors and CSP violations. */
export interface PageProblems {
  errors: string[]
  violations: string[]
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

export function screenshotPath(name: string): string {
  return `${SCREENSHOT_DIR}${name}.png`
}
