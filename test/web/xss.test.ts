/**
 * Everything in a room is untrusted where it is rendered: a Markdown cell and an HTML output that
 * carry <img onerror>, <script>, javascript: links and an <iframe> must not run anything in the
 * viewer, while their harmless parts still show. And the page's CSP stops what a sanitizer missed.
 */
import { expect, it } from 'vitest'
import { describeWithChromium } from '../support/browser.js'
import { useTestRelay } from '../support/relay-fixture.js'
import { joinAsViewer, screenshotPath, useWebBrowser } from './browser.js'
import { presenterClient, writeNotebook } from './room-writer.js'

const HOSTILE_MARKDOWN = [
  '# Harmless heading',
  '<img src="x" onerror="window.__pwned = \'markdown img\'">',
  '<script>window.__pwned = "markdown script"</script>',
  '[click me](javascript:window.__pwned="markdown link")',
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '<div style="position:fixed;inset:0;background:red">overlay</div>',
].join('\n\n')

const HOSTILE_HTML = [
  '<b class="survivor">bold survives</b>',
  '<img src="x" onerror="window.__pwned = \'html img\'">',
  '<script>window.__pwned = "html script"</script>',
  '<svg><script>window.__pwned = "svg script"</script><a href="javascript:window.__pwned=2"><text>svg link</text></a></svg>',
  '<form action="https://evil.example/"><input name="password"></form>',
  '<style>body { display: none }</style>',
].join('')

describeWithChromium('viewer: untrusted notebook content', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('renders a hostile Markdown cell and HTML output without running any of it', async () => {
    const relay = await fixture.start()
    const room = 'xss/notebook'
    const presenter = await presenterClient(relay, room, 'Mallory')
    writeNotebook(presenter.doc, [
      { cell_type: 'markdown', source: HOSTILE_MARKDOWN },
      {
        cell_type: 'code',
        source: 'display(HTML(payload))',
        execution_count: 1,
        outputs: [{ output_type: 'display_data', data: { 'text/html': HOSTILE_HTML, 'text/plain': '<HTML object>' }, metadata: {} }],
      },
    ])

    const { context, page, problems } = await joinAsViewer(browser(), relay, room)
    await page.locator('.cell-markdown h1', { hasText: 'Harmless heading' }).waitFor()
    await page.locator('.output-html b.survivor', { hasText: 'bold survives' }).waitFor()

    // Nothing ran, and nothing that could run is left in the document.
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined()
    const notebook = page.locator('.notebook')
    expect(await notebook.locator('script, iframe, form, input, style').count()).toBe(0)
    expect(await notebook.locator('[onerror]').count()).toBe(0)
    const hrefs = await notebook.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''))
    expect(hrefs.filter((href) => /^\s*javascript:/i.test(href))).toEqual([])
    // The fixed overlay is held inside its cell: the page around the notebook is not covered.
    const covered = await page.locator('.presence').evaluate((presence) => {
      const box = presence.getBoundingClientRect()
      return !presence.contains(document.elementFromPoint(box.left + 5, box.top + box.height / 2))
    })
    expect(covered).toBe(false)

    // Chromium checks the CSP as DOMPurify parses the hostile markup in its inert document: the
    // handlers and <style> it reports are blocked there too, before the sanitizer removes them.
    expect(problems.violations.every((violation) => /^(script-src-attr|style-src-elem) /.test(violation))).toBe(true)

    // Second line of defence: the page's Trusted Types CSP refuses markup assigned as a string.
    const assignment = await page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="window.__pwned=\'direct\'">')
        return 'assigned'
      } catch (error) {
        return (error as Error).name
      }
    })
    expect(assignment).toBe('TypeError')
    expect(problems.errors).toEqual([])
    await page.screenshot({ path: screenshotPath('viewer-hostile-notebook'), fullPage: true })
    await context.close()
    presenter.destroy()
  })
})
