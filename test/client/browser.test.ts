/**
 * lectern/client bundled for the browser (Vite, as an application would) and run in Debian's
 * Chromium against a real relay: a writer page and a reader page converge, and the reader cannot
 * change the writer's document, in two browser profiles and as two tabs of one.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { LecternPage } from './browser/page.js'
import { describeWithChromium, launchChromium, servePage, type ServedPage } from '../support/browser.js'
import { useClientFixture } from '../support/client-fixture.js'
import { waitFor } from '../support/relay-fixture.js'

const fixture = useClientFixture()
/** A browser, a relay and two pages share two cores with the rest of the suite. */
const BROWSER_TEST_MS = 90_000
type PageApi = { lecternPage: LecternPage }

describeWithChromium('lectern/client in Chromium', () => {
  let browser: Browser
  let served: ServedPage
  /** The console of this test's pages: the browser's own lines too (it prints a failed WebSocket's URL). */
  let consoleLines: string[] = []

  beforeAll(async () => {
    ;[served, browser] = await Promise.all([servePage(fileURLToPath(new URL('./browser/page.ts', import.meta.url))), launchChromium()])
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await served?.close()
  })

  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage()
    const lines = consoleLines
    page.on('console', (message) => lines.push(message.text()))
    await page.goto(served.url)
    await page.waitForFunction(() => 'lecternPage' in globalThis)
    return page
  }

  const textOf = (page: Page) => page.evaluate(() => (globalThis as unknown as PageApi).lecternPage.text())
  const type = (page: Page, words: string) => page.evaluate((w) => (globalThis as unknown as PageApi).lecternPage.type(w), words)

  async function writerAndReader(writer: Page, reader: Page, room: string): Promise<void> {
    await fixture.start()
    const relay = fixture.relay.url
    const token = await fixture.relay.mint(room, 'write', { sub: 'presenter' })
    const { code } = await fixture.admin.createLink(room, { scope: 'read' })
    const join = (page: Page, options: { relay: string; token?: string; code?: string }) =>
      page.evaluate((o) => (globalThis as unknown as PageApi).lecternPage.join(o), options)
    expect(await join(writer, { relay, token })).toEqual({ room, scope: 'write' })
    expect(await join(reader, { relay, code })).toEqual({ room, scope: 'read' })

    await type(writer, 'Hello from the writer.')
    await reader.waitForFunction(() => (globalThis as unknown as PageApi).lecternPage.text() === 'Hello from the writer.')

    // The reader's page edits its document: reported, discarded, rebuilt from the relay.
    await type(reader, ' HACKED BY THE READER')
    await reader.waitForFunction(() => (globalThis as unknown as PageApi).lecternPage.seen().replacedDocs === 1)
    expect(await reader.evaluate(() => (globalThis as unknown as PageApi).lecternPage.seen().readOnlyEdits)).toBeGreaterThanOrEqual(1)
    expect(await textOf(reader)).toBe('Hello from the writer.')

    // A page script that goes around the library to the provider's own document: the relay drops it.
    await reader.evaluate(() => (globalThis as unknown as PageApi).lecternPage.typeAroundTheGuard(' RAW'))
    await waitFor(() => fixture.relay.relay.counters.readOnlyWritesDropped > 0, 'the relay drops the raw write')

    await type(writer, ' Still mine.')
    // (The reader's own page shows its raw write too, in whatever order Yjs puts concurrent inserts.)
    await reader.waitForFunction(() => (globalThis as unknown as PageApi).lecternPage.text().includes(' Still mine.'))
    expect(await textOf(writer)).toBe('Hello from the writer. Still mine.')
    expect(fixture.relay.relay.rooms.get(room)!.doc.getText('text').toString()).toBe('Hello from the writer. Still mine.')
    expect(consoleLines.filter((line) => line.includes('token=') || line.includes('lct_'))).toEqual([])
  }

  /** Runs with fresh contexts, closed before the relay goes (their pages would keep reconnecting). */
  async function withContexts(count: number, run: (contexts: BrowserContext[]) => Promise<void>): Promise<void> {
    consoleLines = []
    const contexts = await Promise.all(Array.from({ length: count }, () => browser.newContext()))
    try {
      await run(contexts)
    } finally {
      await Promise.all(contexts.map((context) => context.close()))
    }
  }

  it('a writer and a reader in two browser profiles converge; the reader cannot change the writer\'s document', async () => {
    await withContexts(2, async ([one, two]) => writerAndReader(await open(one!), await open(two!), 'two-profiles'))
  }, BROWSER_TEST_MS)

  it('the same as two tabs of one browser profile (shared storage and BroadcastChannel)', async () => {
    await withContexts(1, async ([context]) => writerAndReader(await open(context!), await open(context!), 'two-tabs'))
  }, BROWSER_TEST_MS)
})
