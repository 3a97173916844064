/// <reference lib="dom" />
/**
 * The web app's tests drive Debian's Chromium through playwright-core (never a downloaded browser)
 * against a real relay started in the test (the DOM types referenced above are for the callbacks
 * that run inside the page). Without Chromium the suites skip with a message, except
 * in CI (CI=true), where a missing browser fails them.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/web/', import.meta.url))
const BUILT_PAGE = fileURLToPath(new URL('../../dist/web/join.html', import.meta.url))

/** Why the browser suites cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined
  const message = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium): the web app's browser tests are skipped`
  if (process.env['CI'] === 'true') throw new Error(`${message.split(':')[0]}; CI needs it`)
  console.warn(message)
  return message
}

export function requireBuiltPages(): void {
  if (!existsSync(BUILT_PAGE)) throw new Error('the web app is not built: run npm run build (npm test does)')
}

export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  // Headless, no sandbox (tests run as root), no GPU; one renderer process is plenty on 2 cores.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
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

/** Waits until an asynchronous check holds (page state is read through the browser). */
export async function until(check: () => Promise<boolean>, description: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
