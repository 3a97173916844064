/** JupyterLab pages in Debian's Chromium (test/support/browser.ts), one browser context per person. */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterEach } from 'vitest'

/** Where the suite's screenshots go. */
export const OUTPUT = fileURLToPath(new URL('../../../test-output/jupyterlab/', import.meta.url))

/** The pages a suite opens (push them here): each is screenshot when a test fails. */
export function screenshotOnFailure(name: string): Page[] {
  const pages: Page[] = []
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return
    for (const [index, page] of pages.entries()) await page.screenshot({ path: join(OUTPUT, `failure-${name}-${index}.png`) })
  })
  return pages
}

/** A fresh profile (its own localStorage) with JupyterLab at `url`, once JupyterLab is restored. */
export async function openLab(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const page = await context.newPage()
  // The page's errors go to the test's output, where a failure can be understood.
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(`[page ${message.type()}] ${message.text()}`)
  })
  // Leaving a page with unsaved changes asks first (JupyterLab's beforeunload): leave, as a
  // presenter who reloads does.
  page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()))
  // jupyter-collaboration asks what to do when a document takes over 5 s to sync (a loaded
  // machine): keep waiting, whenever that dialog stands in the way.
  const slowLoading = page.locator('.jp-Dialog[aria-label^="Loading"]')
  await page.addLocatorHandler(slowLoading, () => slowLoading.getByRole('button', { name: 'Continue waiting' }).click())
  await page.goto(url)
  await waitForLab(page)
  return page
}

export async function waitForLab(page: Page): Promise<void> {
  await page.waitForFunction(() => 'jupyterapp' in globalThis, undefined, { timeout: 60_000 })
  await page.evaluate(async () => {
    const app = (globalThis as unknown as { jupyterapp: { restored: Promise<void> } }).jupyterapp
    await app.restored
  })
}
