/**
 * How fast the viewer shows a room on loopback, from navigation to the document on the page (the
 * viewer marks `lectern:document-shown` in the page's performance timeline when it first renders
 * the document): a first visit with an empty cache, through a share link (the page, then the Join
 * click) and through /r/ROOM with a guest key kept from before; and a reload with the assets
 * cached. A 40-cell notebook with outputs. The figures are printed, not asserted: no wall-clock
 * limits in tests (README, "Size and speed", reports them).
 */
import { expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { describeWithChromium } from '../support/browser.js'
import { useTestRelay } from '../support/relay-fixture.js'
import { adminApi } from '../support/token-service-client.js'
import { expectCleanPages, newPage, siteOf, useWebBrowser } from './browser.js'
import { ORANGE_PNG, presenterClient, writeNotebook, type CellInput } from './room-writer.js'

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>

const RUNS = 5
const CELLS = 40

function tutorial(): CellInput[] {
  return Array.from({ length: CELLS }, (_, i): CellInput =>
    i % 2 === 0
      ? { cell_type: 'markdown', source: `## Step ${i / 2}\n\nWhat this step shows, with **emphasis** and \`code\`.` }
      : {
          cell_type: 'code',
          source: `def step_${i}(values):\n    return [v * ${i} for v in values]\n\nprint(step_${i}(range(5)))`,
          execution_count: i,
          outputs: [
            { output_type: 'stream', name: 'stdout', text: `${[0, 1, 2, 3, 4].map((v) => v * i).join(', ')}\n` },
            ...(i % 10 === 1 ? [{ output_type: 'display_data', data: { 'image/png': ORANGE_PNG }, metadata: {} }] : []),
          ],
        },
  )
}

/** Milliseconds from the page's navigation to the document on it. */
async function documentShownAt(page: Page): Promise<number> {
  const handle = await page.waitForFunction(() => performance.getEntriesByName('lectern:document-shown')[0]?.startTime, undefined, { polling: 'raf' })
  const at = (await handle.jsonValue()) as number
  await expect(page.locator('.notebook > .cell').count()).resolves.toBe(CELLS)
  return at
}

/** The page's scripts, as sent (gzipped by the relay) and unpacked. */
async function scriptsTransferred(page: Page): Promise<{ encoded: number; decoded: number }> {
  const sizes = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((entry) => entry.initiatorType === 'script' || entry.name.endsWith('.js'))
      .map((entry) => ({ encoded: entry.encodedBodySize, decoded: entry.decodedBodySize })),
  )
  expect(sizes.length).toBeGreaterThanOrEqual(2)
  const total = { encoded: sizes.reduce((sum, size) => sum + size.encoded, 0), decoded: sizes.reduce((sum, size) => sum + size.decoded, 0) }
  // The relay sends them gzipped: about a third of their size.
  expect(total.encoded).toBeLessThan(total.decoded / 2)
  return total
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b)
  return `median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms, range ${Math.round(sorted[0]!)}-${Math.round(sorted.at(-1)!)} ms`
}

describeWithChromium('viewer: load time on loopback', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('measures navigation to the rendered document, cold and warm', { timeout: 120_000 }, async () => {
    const relay = await fixture.start()
    const site = siteOf(relay)
    const room = 'course-101/tutorial'
    const presenter = await presenterClient(relay, room, 'Ada')
    writeNotebook(presenter.doc, tutorial())
    const admin = await adminApi(relay)
    // A new context has an empty cache: everything comes over the wire.
    const fresh = (storageState?: StorageState) => browser().newContext(storageState ? { storageState } : {})

    const formReady: number[] = []
    const joinToDocument: number[] = []
    const coldRoom: number[] = []
    let transferred = { encoded: 0, decoded: 0 }
    const warmReload: number[] = []
    for (let run = 0; run < RUNS; run++) {
      // A first visit through a share link: the page, then the name form's Join.
      const { code } = await admin.createLink(room, { scope: 'read' })
      const context = await fresh()
      const { page, problems } = await newPage(context)
      await page.goto(`${site}/join#${code}`)
      await page.getByRole('button', { name: 'Join' }).waitFor()
      // The module script draws the form before DOMContentLoaded ends (module scripts are deferred).
      formReady.push(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd))
      const clicked = await page.evaluate(() => performance.now())
      await page.getByRole('button', { name: 'Join' }).click()
      joinToDocument.push((await documentShownAt(page)) - clicked)
      // Reloads go to /r/ROOM with the guest key this browser kept, the assets cached.
      await page.reload()
      warmReload.push(await documentShownAt(page))
      const keptState = await context.storageState()
      expectCleanPages(problems)
      await context.close()

      // A first visit to /r/ROOM with a guest key kept from before, and an empty cache.
      const returning = await fresh(keptState)
      const { page: again } = await newPage(returning)
      await again.goto(`${site}/r/${room}`)
      coldRoom.push(await documentShownAt(again))
      if (run === 0) transferred = await scriptsTransferred(again)
      await returning.close()
    }
    console.log(
      [
        `viewer load on loopback, ${CELLS}-cell notebook, ${RUNS} runs each:`,
        `  /join#code, empty cache: navigation to the name form ${summary(formReady)}; Join click to the document ${summary(joinToDocument)}`,
        `  /r/ROOM, empty cache, guest key kept: navigation to the document ${summary(coldRoom)}`,
        `  /r/ROOM reload, assets cached: navigation to the document ${summary(warmReload)}`,
        `  scripts over the wire: ${transferred.encoded} bytes (${transferred.decoded} unpacked)`,
      ].join('\n'),
    )
    presenter.destroy()
  })
})
