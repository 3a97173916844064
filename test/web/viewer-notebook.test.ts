/**
 * The viewer follows a notebook as JupyterLab changes it: a document that appears after the viewer
 * joined, cells moved (deleted and re-inserted), a cell's type changed, outputs cleared and
 * replaced, and outputs in the older plain-JSON layout of jupyter-ydoc. In a long notebook the
 * code cells far below the screen are highlighted text that follows edits, and become editors
 * (editable if the session may write) as they come near the screen.
 */
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { describeWithChromium } from '../support/browser.js'
import { useTestRelay, waitFor } from '../support/relay-fixture.js'
import { adminApi } from '../support/token-service-client.js'
import { expectCleanPages, joinAsViewer, useWebBrowser } from './browser.js'
import { cellMap, cellSource, presenterClient, writeNotebook } from './room-writer.js'

describeWithChromium('viewer: a notebook changing under it', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('waits for the document, then follows moves, type changes and new outputs', async () => {
    const relay = await fixture.start()
    const room = 'lab/changing'
    const { context, page, problems } = await joinAsViewer(browser(), relay, room)
    await page.locator('.waiting', { hasText: 'Waiting for the presenter' }).waitFor()

    const presenter = await presenterClient(relay, room, 'Ada')
    const doc = presenter.doc
    writeNotebook(doc, [
      { cell_type: 'markdown', source: '# First' },
      { cell_type: 'code', source: 'x = 1', execution_count: null },
      { cell_type: 'code', source: 'y = 2', execution_count: null },
    ])
    const cellTexts = () => page.locator('.notebook > .cell').evaluateAll((cells) => cells.map((cell) => cell.querySelector('h1, h2, .cm-content')?.textContent ?? ''))
    await waitFor(async () => (await cellTexts()).join('|') === 'First|x = 1|y = 2', 'the notebook appears')

    // JupyterLab moves a cell by deleting it and inserting a copy elsewhere.
    const cells = doc.getArray<Y.Map<unknown>>('cells')
    doc.transact(() => {
      cells.delete(2, 1)
      cells.insert(0, [cellMap({ cell_type: 'code', source: 'y = 2' })])
    })
    await waitFor(async () => (await cellTexts()).join('|') === 'y = 2|First|x = 1', 'the moved cell is first')

    // A code cell becomes Markdown.
    cells.get(2).set('cell_type', 'markdown')
    cells.get(2).set('source', new Y.Text('## Now prose'))
    await waitFor(async () => (await cellTexts()).join('|') === 'y = 2|First|Now prose', 'the cell is rendered as Markdown')

    // Outputs arrive (recent layout: Y.Maps), are cleared, and come back in the older plain-JSON layout.
    const first = cells.get(0)
    const outputs = new Y.Array<unknown>()
    first.set('outputs', outputs)
    first.set('execution_count', 7)
    const stream = new Y.Map<unknown>()
    stream.set('output_type', 'stream')
    stream.set('name', 'stdout')
    stream.set('text', new Y.Text('two\n'))
    outputs.push([stream])
    await page.locator('pre.output-stream', { hasText: 'two' }).waitFor()
    await expect(page.locator('.in-prompt').first().textContent()).resolves.toBe('[7]:')
    ;(stream.get('text') as Y.Text).insert(4, 'three\n')
    await page.locator('pre.output-stream', { hasText: 'three' }).waitFor()
    outputs.delete(0, 1)
    await waitFor(async () => (await page.locator('pre.output-stream').count()) === 0, 'the output is cleared')
    outputs.push([{ output_type: 'execute_result', execution_count: 7, data: { 'text/plain': ['2', '\n'] }, metadata: {} }])
    await page.locator('.out-prompt', { hasText: 'Out[7]:' }).waitFor()
    await expect(page.locator('.output-data pre.output-text').textContent()).resolves.toBe('2\n')

    expectCleanPages(problems)
    await context.close()
    presenter.destroy()
  })

  it('shows code far down as text until it comes near, then as an editor, following edits and write access', async () => {
    const relay = await fixture.start()
    const room = 'lab/long'
    const presenter = await presenterClient(relay, room, 'Ada')
    writeNotebook(presenter.doc, Array.from({ length: 60 }, (_, i) => ({ cell_type: 'code' as const, source: `def cell_${i}():\n    return ${i}`, execution_count: i })))
    const { context, page, problems } = await joinAsViewer(browser(), relay, room)
    const last = page.locator('.notebook > .cell').nth(59)
    await last.locator('pre.cm-static', { hasText: 'def cell_59' }).waitFor()
    await page.locator('.notebook > .cell').first().locator('.cm-content', { hasText: 'def cell_0' }).waitFor()
    // Far down it is highlighted text, and it follows the presenter's typing.
    await expect(last.locator('pre.cm-static .tok-keyword', { hasText: 'def' }).count()).resolves.toBe(1)
    expect(await last.locator('.cm-editor').count()).toBe(0)
    const source = cellSource(presenter.doc, 59)
    source.insert(source.length, ' + 1000')
    await last.locator('pre.cm-static', { hasText: 'return 59 + 1000' }).waitFor()

    // Given write, then scrolled to: an editable editor, whose typing reaches the presenter.
    const [grant] = await (await adminApi(relay)).listGrants(room)
    await (await adminApi(relay)).setGrant(room, grant!.subject, { scope: 'write' })
    await page.locator('.notice', { hasText: 'you can edit' }).waitFor()
    await last.scrollIntoViewIfNeeded()
    const editor = last.locator('.cm-content', { hasText: 'return 59 + 1000' })
    await waitFor(async () => (await editor.getAttribute('contenteditable')) === 'true', 'the far cell is an editable editor')
    await editor.click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type('  # seen')
    await waitFor(() => source.toString().endsWith('# seen'), 'the edit reaches the presenter')
    expectCleanPages(problems)
    await context.close()
    presenter.destroy()
  })
})
