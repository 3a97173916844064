/**
 * The presenter story in a real browser against a real relay: the presenter signs in to /present
 * with the admin key and hands out links; an attendee opens one on a phone and follows a notebook
 * and a text file that a presenter's y-websocket client writes; the presenter gives the attendee
 * write, the attendee edits, the presenter takes it back and finally revokes the link, and the
 * attendee's page says the session ended. Screenshots of both pages land in test-output/web/.
 */
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { readAdminKey } from '../support/token-service-client.js'
import { describeWithChromium } from '../support/browser.js'
import { useTestRelay, waitFor } from '../support/relay-fixture.js'
import { expectCleanPages, newPage, type PageProblems, PHONE, screenshotPath, useWebBrowser } from './browser.js'
import { audienceRow, createLink, linkRow, openRoom, signInToConsole } from './console-page.js'
import { ORANGE_PNG, cellMap, cellSource, presenterClient, writeNotebook } from './room-writer.js'

async function join(viewer: Page, link: string, name: string): Promise<void> {
  await viewer.goto(link)
  await viewer.locator('form.join-form input[name=name]').fill(name)
  await viewer.getByRole('button', { name: 'Join' }).click()
}

describeWithChromium('web app: the presenter story', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('hands out links, follows a notebook and a file live, grants and takes back write, revokes', { timeout: 120_000 }, async () => {
    const relay = await fixture.start()
    const site = relay.url.replace('ws:', 'http:')
    const requestLines: string[] = []
    relay.server.http.on('request', (req: { url?: string }) => requestLines.push(req.url ?? ''))
    const problems: PageProblems[] = []

    // The presenter's JupyterLab: a notebook and a Python file, written by plain y-websocket clients.
    const notebookRoom = 'intro-yjs/notebook'
    const fileRoom = 'intro-yjs/notes.py'
    const notebook = await presenterClient(relay, notebookRoom, 'Ada')
    writeNotebook(notebook.doc, [
      { cell_type: 'markdown', source: '# Intro to Yjs\n\nEvery edit is a **CRDT** update.' },
      {
        cell_type: 'code',
        source: 'import yjs\nprint("hello")',
        execution_count: 1,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: 'hello\n' },
          { output_type: 'display_data', data: { 'image/png': ORANGE_PNG, 'text/plain': '<Figure>' }, metadata: {} },
        ],
      },
      {
        cell_type: 'code',
        source: 'df',
        execution_count: 2,
        outputs: [{ output_type: 'execute_result', execution_count: 2, data: { 'text/html': '<table class="dataframe"><tr><th>a</th></tr><tr><td>1</td></tr></table>', 'text/plain': 'a\n1' }, metadata: {} }],
      },
      { cell_type: 'code', source: '1 / 0', execution_count: 3, outputs: [{ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\u001b[31mZeroDivisionError\u001b[0m: division by zero'] }] },
    ])
    const file = await presenterClient(relay, fileRoom, 'Ada')
    file.doc.getMap('state').set('path', 'notes.py')
    file.doc.getText('source').insert(0, 'def greet():\n    return "hello"\n')

    // The console: sign in with the server admin key, open the notebook's room, make two links.
    const presenterContext = await browser().newContext({ viewport: { width: 1280, height: 900 } })
    const { page: desk, problems: consoleProblems } = await newPage(presenterContext)
    problems.push(consoleProblems)
    const adminKey = await readAdminKey(relay.dataDir)
    await signInToConsole(desk, site, adminKey)
    // The admin key sees the rooms open on the relay: the notebook, with Ada's session, is one click away.
    await desk.locator('.room-list button', { hasText: `${notebookRoom} · 1 connected` }).click()
    await desk.locator('.room-panel h2.room-title', { hasText: notebookRoom }).waitFor()
    const writeLink = await createLink(desk, { scope: 'write', label: 'co-presenter', maxUses: '1' })
    const readLink = await createLink(desk, { scope: 'read', label: 'attendees' })
    expect(readLink).toMatch(new RegExp(`^${site}/join#lct_share_[A-Za-z0-9_-]{43}$`))
    expect(writeLink).not.toBe(readLink)
    await expect(desk.locator('.shown-link svg.qr path').getAttribute('d')).resolves.toMatch(/^M\d/)

    // An attendee on a phone opens the read-only link.
    const phone = await browser().newContext(PHONE)
    const { page: viewer, problems: viewerProblems } = await newPage(phone)
    problems.push(viewerProblems)
    await join(viewer, readLink, 'Bob')
    await viewer.locator('.cell-code .cm-content', { hasText: 'print("hello")' }).waitFor()
    expect(viewer.url()).toBe(`${site}/r/intro-yjs/notebook`)
    await viewer.locator('.cell-markdown h1', { hasText: 'Intro to Yjs' }).waitFor()
    await expect(viewer.locator('.cell-markdown strong').textContent()).resolves.toBe('CRDT')
    await expect(viewer.locator('pre.output-stream').textContent()).resolves.toBe('hello\n')
    await expect(viewer.locator('img.output-image').getAttribute('src')).resolves.toBe(`data:image/png;base64,${ORANGE_PNG}`)
    await expect(viewer.locator('.output-html table.dataframe td').textContent()).resolves.toBe('1')
    await expect(viewer.locator('.output-error').textContent()).resolves.toBe('ZeroDivisionError: division by zero')
    await expect(viewer.locator('.cell-code .tok-keyword', { hasText: 'import' }).count()).resolves.toBe(1)
    await viewer.locator('.presence', { hasText: 'Presenting: Ada · 1 watching' }).waitFor()
    await expect(viewer.locator('.cell-code .cm-content').first().getAttribute('contenteditable')).resolves.toBe('false')

    // It follows the presenter live: typing, a new cell, new outputs.
    const source = cellSource(notebook.doc, 1)
    source.insert(source.length, '\nprint("live")')
    await viewer.locator('.cell-code .cm-content', { hasText: 'print("live")' }).waitFor()
    notebook.doc.getArray('cells').push([cellMap({ cell_type: 'markdown', source: '## Added while you watched' })])
    await viewer.locator('.cell-markdown h2', { hasText: 'Added while you watched' }).waitFor()

    // The console sees Bob, connected, within a second or so (it polls twice a second).
    await audienceRow(desk, 'Bob').and(desk.locator('[data-connected=true]')).waitFor()
    await expect(desk.locator('.audience .summary').textContent()).resolves.toBe('1 person has access, 1 connected now.')
    await desk.screenshot({ path: screenshotPath('console'), fullPage: true })
    await viewer.screenshot({ path: screenshotPath('viewer-notebook-phone'), fullPage: true })

    // A reload goes to /r/ROOM with the guest key this browser kept: no code needed any more.
    await viewer.reload()
    await viewer.locator('.cell-code .cm-content', { hasText: 'print("live")' }).waitFor()

    // The text file, on a second tab of the same phone (the same guest), through its own link.
    await openRoom(desk, fileRoom)
    const fileLink = await createLink(desk, { scope: 'read', label: 'notes readers' })
    const { page: notes, problems: notesProblems } = await newPage(phone)
    problems.push(notesProblems)
    await join(notes, fileLink, 'Bob')
    await notes.locator('.text-document .cm-content', { hasText: 'def greet():' }).waitFor()
    const text = file.doc.getText('source')
    text.insert(text.length, 'print(greet())\n')
    await notes.locator('.text-document .cm-content', { hasText: 'print(greet())' }).waitFor()
    const editor = notes.locator('.text-document .cm-content')
    await expect(editor.getAttribute('contenteditable')).resolves.toBe('false')

    // Give Bob write: the editor becomes editable in place and says so; his edit reaches the presenter.
    await audienceRow(desk, 'Bob').getByRole('button', { name: 'Give write' }).click()
    await notes.locator('.notice', { hasText: 'you can edit' }).waitFor()
    await waitFor(async () => (await editor.getAttribute('contenteditable')) === 'true', 'the editor becomes editable')
    await editor.click()
    await notes.keyboard.press('Control+End')
    await notes.keyboard.type('# Bob was here\n')
    await waitFor(() => text.toString().includes('# Bob was here'), 'the attendee’s edit reaches the presenter')
    await notes.screenshot({ path: screenshotPath('viewer-text-writing'), fullPage: true })

    // Take it back: read-only again, and typing changes nothing.
    await audienceRow(desk, 'Bob').getByRole('button', { name: 'Take write back' }).click()
    await waitFor(async () => (await editor.getAttribute('contenteditable')) === 'false', 'the editor is read-only again')
    await notes.keyboard.type('nope')
    text.insert(text.length, '# presenter marker\n')
    await notes.locator('.text-document .cm-content', { hasText: 'presenter marker' }).waitFor()
    expect(text.toString()).not.toContain('nope')
    expect(await editor.textContent()).not.toContain('nope')

    // Revoke the file's link: Bob's session there ends, and the page says so.
    await linkRow(desk, 'notes readers').getByRole('button', { name: 'Revoke' }).click()
    await notes.locator('.notice.ended', { hasText: 'This session has ended' }).waitFor()
    await expect(notes.locator('#status').textContent()).resolves.toBe('ended')
    await linkRow(desk, 'notes readers').and(desk.locator('[data-status=revoked]')).waitFor()
    await waitFor(async () => (await audienceRow(desk, 'Bob').count()) === 0, 'Bob is gone from the file room’s audience')
    await notes.screenshot({ path: screenshotPath('viewer-ended'), fullPage: true })
    // The notebook tab is untouched by the other room's revocation.
    await expect(viewer.locator('#status').textContent()).resolves.toBe('live')

    // Share codes live in the URL fragment, the admin key in a header: no request line ever carried one.
    expect(requestLines.length).toBeGreaterThan(0)
    expect(requestLines.filter((line) => line.includes('lct_share_') || line.includes(adminKey))).toEqual([])
    expectCleanPages(...problems)
    await presenterContext.close()
    await phone.close()
    notebook.destroy()
    file.destroy()
  })
})
