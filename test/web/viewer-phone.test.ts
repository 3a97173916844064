/**
 * The viewer on a phone (390×844 CSS pixels, mobile, touch): whatever the room holds, wide or long,
 * the page never scrolls sideways (wide outputs scroll inside their own box, long lines wrap), and
 * its text stays readable (the page lays out at the phone's width, body text at 16 px, nothing
 * under 12 px). Screenshots of a notebook and a text file land in test-output/web/.
 */
import { expect, it } from 'vitest'
import { describeWithChromium } from '../support/browser.js'
import { useTestRelay } from '../support/relay-fixture.js'
import { expectCleanPages, joinAsViewer, PHONE, screenshotPath, useWebBrowser } from './browser.js'
import { expectFitsThePhone } from './phone-layout.js'
import { ORANGE_PNG, presenterClient, writeNotebook } from './room-writer.js'

const LONG_WORD = 'x'.repeat(240)
const WIDE_TABLE = `<table><tr>${Array.from({ length: 24 }, (_, i) => `<th>column_${i}</th>`).join('')}</tr><tr>${Array.from({ length: 24 }, (_, i) => `<td>${i * 1000}</td>`).join('')}</tr></table>`

const MARKDOWN_TABLE = [`| ${Array.from({ length: 16 }, (_, i) => `heading ${i}`).join(' | ')} |`, `|${'---|'.repeat(16)}`, `| ${Array.from({ length: 16 }, (_, i) => i).join(' | ')} |`].join('\n')

describeWithChromium('viewer: on a phone', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('a notebook with wide and long content fits the screen and stays readable', async () => {
    const relay = await fixture.start()
    const room = 'course-101/week-3/a-long-room-name-for-a-small-screen.ipynb'
    const presenter = await presenterClient(relay, room, 'Ada Lovelace-Byron, presenting from the front row')
    writeNotebook(presenter.doc, [
      { cell_type: 'markdown', source: `# Week 3: a heading long enough to wrap on a phone\n\nSee https://example.org/${LONG_WORD} and \`${LONG_WORD}\`.\n\n\`\`\`\n${LONG_WORD}\n\`\`\`\n\n${MARKDOWN_TABLE}` },
      { cell_type: 'code', source: `values = [${Array.from({ length: 60 }, (_, i) => i).join(', ')}]\nname = "${LONG_WORD}"`, execution_count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: `${LONG_WORD}\n` }] },
      { cell_type: 'code', source: 'df', execution_count: 2, outputs: [{ output_type: 'execute_result', execution_count: 2, data: { 'text/html': WIDE_TABLE, 'text/plain': 'df' }, metadata: {} }] },
      { cell_type: 'code', source: 'plot()', execution_count: 3, outputs: [{ output_type: 'display_data', data: { 'image/png': ORANGE_PNG }, metadata: {} }] },
      { cell_type: 'code', source: 'fail()', execution_count: 4, outputs: [{ output_type: 'error', ename: 'ValueError', evalue: LONG_WORD, traceback: [`ValueError: ${LONG_WORD}`] }] },
    ])
    const { context, page, problems } = await joinAsViewer(browser(), relay, room, PHONE)
    await page.locator('.output-error', { hasText: 'ValueError' }).waitFor()
    await page.locator('.presence', { hasText: 'Presenting: Ada' }).waitFor()
    await expectFitsThePhone(page)
    // The wide table scrolls inside its output, not the page.
    const table = await page.locator('.output-html').evaluate((box) => ({ scrolls: box.scrollWidth > box.clientWidth, width: box.getBoundingClientRect().width }))
    expect(table.scrolls).toBe(true)
    expect(table.width).toBeLessThanOrEqual(390)
    await page.screenshot({ path: screenshotPath('viewer-phone-notebook'), fullPage: true })
    expectCleanPages(problems)
    await context.close()
    presenter.destroy()
  })

  it('a text file with long lines wraps them', async () => {
    const relay = await fixture.start()
    const room = 'course-101/notes.py'
    const presenter = await presenterClient(relay, room, 'Ada')
    presenter.doc.getMap('state').set('path', 'notes.py')
    presenter.doc.getText('source').insert(0, `def greet(name):\n    return f"hello {name}, ${'and welcome '.repeat(20)}"\n\nTOKEN = "${LONG_WORD}"\n`)
    const { context, page, problems } = await joinAsViewer(browser(), relay, room, PHONE)
    await page.locator('.text-document .cm-content', { hasText: 'TOKEN' }).waitFor()
    await expectFitsThePhone(page)
    await page.screenshot({ path: screenshotPath('viewer-phone-text'), fullPage: true })
    expectCleanPages(problems)
    await context.close()
    presenter.destroy()
  })
})
