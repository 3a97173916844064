/**
 * The JupyterLab stories of issue 10, in a real JupyterLab 4.6 (with and without
 * jupyter-collaboration) from the venvs that examples/jupyterlab/scripts/ci.sh makes, driven
 * through Debian's Chromium: present, follow read-only, take the floor, lose it, be ended; the
 * presenter reloads mid-way and picks the presentation up again.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { sleep, waitFor, type TestRelay } from '../support/relay-fixture.js'
import { openLab, OUTPUT, waitForLab } from './support/browser.js'
import { missingPrerequisites, type Flavor, type JupyterLabServer } from './support/jupyterlab.js'
import { cellSources, writeNotebook } from './support/notebook.js'
import { banner, liveCells, presentLive, presenterCells, presenterDialog, typeAtEnd, waitForSources } from './support/pages.js'
import { useLabStory } from './support/story.js'

const missing = missingPrerequisites()
if (missing.length > 0 && process.env['CI'] !== 'true') {
  console.warn(`JupyterLab suite skipped, missing: ${missing.join('; ')}`)
}

describe.runIf(process.env['CI'] === 'true' && missing.length > 0)('JupyterLab suite prerequisites', () => {
  it('are installed by .ci/run', () => {
    expect(missing).toEqual([])
  })
})

async function relayMetrics(relay: TestRelay): Promise<string> {
  return (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text()
}

async function sessionsOpened(relay: TestRelay): Promise<number> {
  const metrics = await relayMetrics(relay)
  const opened = /^lectern_sessions_opened_total (\d+)/m.exec(metrics)
  const refused = metrics.split('\n').filter((line) => line.startsWith('lectern_refused_sessions_total'))
  const refusals = refused.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0)
  return Number(opened?.[1] ?? 0) + refusals
}

describe.skipIf(missing.length > 0).each<Flavor>(['base', 'collab'])('JupyterLab (%s)', (flavor) => {
  const story = useLabStory(flavor, { flavor, lecternSettings: (relay, adminKey) => ({ relayUrl: relay.url, adminKey }) })

  it('presents a notebook, which an attendee follows read-only, gets write, loses it, and is ended', async () => {
    const { relay, admin, lab, browser, pages } = story
    await writeNotebook(join(lab.rootDir, 'talk.ipynb'), ['x = 1', 'print(x)'])
    // The presenter in a workspace of their own: both people share one JupyterLab server here.
    const presenter = await openLab(browser, `${lab.url}lab/workspaces/presenter/tree/talk.ipynb`)
    pages.push(presenter)
    const presented = presenterCells(presenter)
    await waitForSources(presented, ['x = 1', 'print(x)'], 60_000)

    // Present live: the dialog shows the attendee link (and its QR code) and the co-presenter link.
    const { attendeeUrl, code } = await presentLive(presenter)
    const dialog = presenterDialog(presenter)
    expect(await dialog.locator('.lectern-copresenter-link input').inputValue()).toMatch(/\?lectern=lct_share_/)
    await dialog.locator('img.lectern-qr[src^="data:image/png"]').waitFor()
    await dialog.screenshot({ path: join(OUTPUT, `presenter-dialog-${flavor}.png`) })

    // A Node client holding the attendee link's redeemed token sees the notebook.
    const { doc: roomDoc, observer } = await story.observe(code)
    expect(cellSources(roomDoc)).toEqual(['x = 1', 'print(x)'])
    await dialog.getByRole('button', { name: 'Close' }).click()

    // The attendee opens the link: a live view that follows, read-only, with no kernel.
    const attendee = await openLab(browser, attendeeUrl)
    pages.push(attendee)
    const live = liveCells(attendee)
    await waitForSources(live, ['x = 1', 'print(x)'])
    await expect.poll(() => banner(attendee).textContent()).toMatch(/^Following .+ \(read-only\)$/)
    await typeAtEnd(presenter, presented.nth(0), ' + 41')
    const typed = Date.now()
    await waitForSources(live, ['x = 1 + 41', 'print(x)'])
    console.info(`[${flavor}] presenter keystrokes shown to the attendee after ${Date.now() - typed} ms`)
    await presented.nth(1).locator('.cm-content').click()
    await presenter.keyboard.press('Escape')
    await presenter.keyboard.press('b')
    await presenter.keyboard.press('Enter')
    await presenter.keyboard.type('y = 2')
    await waitForSources(live, ['x = 1 + 41', 'print(x)', 'y = 2'])
    await attendee.screenshot({ path: join(OUTPUT, `attendee-view-${flavor}.png`) })

    // The presenter sees the audience: the toolbar and the dialog (Manage) count the attendee.
    await expect.poll(() => presenter.locator('.lectern-live-badge').textContent()).toBe('● Live · 1')
    await presenter.locator('.lectern-manage').click()
    await expect.poll(() => dialog.locator('.lectern-audience').textContent()).toMatch(/^1 attendee watching/)
    await dialog.locator('img.lectern-qr[src^="data:image/png"]').waitFor()
    await dialog.screenshot({ path: join(OUTPUT, `presenter-dialog-audience-${flavor}.png`) })
    await dialog.getByRole('button', { name: 'Close' }).click()

    // Typing, pasting, inserting and deleting cells in the locked view change nothing anywhere.
    await attemptEdits(attendee, 'LOCKED')
    await typeAtEnd(presenter, presented.nth(2), ' # one')
    await waitFor(() => cellSources(roomDoc)[2] === 'y = 2 # one', 'the presenter edit after the attempts')
    expect(cellSources(roomDoc)).toEqual(['x = 1 + 41', 'print(x)', 'y = 2 # one'])
    await waitForSources(live, ['x = 1 + 41', 'print(x)', 'y = 2 # one'])

    // Take the floor: the presenter's side (here the API) gives the attendee write.
    const grants = await admin.listGrants(observer.room)
    const attendeeGrant = grants.find((grant) => grant.scope === 'read' && grant.subject !== observer.subject)
    expect(attendeeGrant).toBeDefined()
    await admin.setGrant(observer.room, attendeeGrant!.subject, { scope: 'write' })
    await expect.poll(() => banner(attendee).textContent()).toMatch(/you can edit/)
    await typeAtEnd(attendee, live.nth(2), ' # attendee')
    await waitFor(() => cellSources(roomDoc)[2] === 'y = 2 # one # attendee', 'the attendee edit in the room')
    await waitForSources(presented, ['x = 1 + 41', 'print(x)', 'y = 2 # one # attendee'])

    // The presenter reloads; meanwhile the attendee edits. The notebook resumes from the room (the
    // file lacks the Lectern edits, or comes back from jupyter-collaboration with the same structs):
    // Live again with the same link, the attendee's edit in, each cell once everywhere.
    await presenter.reload()
    await typeAtEnd(attendee, live.nth(1), ' # away')
    await waitFor(() => cellSources(roomDoc)[1] === 'print(x) # away', 'the attendee edit while the presenter is away')
    await waitForLab(presenter)
    const resumed = ['x = 1 + 41', 'print(x) # away', 'y = 2 # one # attendee']
    await waitForSources(presented, resumed, 30_000)
    await expect.poll(() => presenter.locator('.lectern-live-badge').textContent(), { timeout: 30_000 }).toBe('● Live · 1')
    await presenter.screenshot({ path: join(OUTPUT, `presenter-resumed-${flavor}.png`) })
    expect(await storedKeys(presenter, 'lectern.presentation ')).toHaveLength(1)
    // The presenter's admin guest is not where an attendee view of this browser would pick it up.
    expect(await storedKeys(presenter, 'lectern.guestKey')).toEqual([])
    await presenter.locator('.lectern-manage').click()
    expect(await dialog.locator('.lectern-attendee-link input').inputValue()).toBe(attendeeUrl)
    await dialog.getByRole('button', { name: 'Close' }).click()
    await typeAtEnd(presenter, presented.nth(2), ' # back')
    resumed[2] += ' # back'
    await waitForSources(live, resumed)
    await waitFor(() => cellSources(roomDoc)[2] === resumed[2], 'the presenter edit after the reload in the room')
    expect(cellSources(roomDoc)).toEqual(resumed)
    await waitForSources(presented, resumed)

    // Write taken back: locked again, and what is typed now never reaches the room.
    await admin.setGrant(observer.room, attendeeGrant!.subject, { scope: 'read' })
    await expect.poll(() => banner(attendee).textContent()).toMatch(/\(read-only\)$/)
    await attemptEdits(attendee, 'AGAIN')
    await typeAtEnd(presenter, presented.nth(0), ' # two')
    await waitFor(() => cellSources(roomDoc)[0] === 'x = 1 + 41 # two', 'the presenter edit after the downgrade')
    expect(cellSources(roomDoc)).toHaveLength(3)
    expect(cellSources(roomDoc).join('\n')).not.toMatch(/AGAIN|LOCKED/)

    // Reloading the attendee page rejoins the room without duplicating a cell.
    await attendee.reload()
    await waitForLab(attendee)
    await waitForSources(liveCells(attendee), cellSources(roomDoc))

    if (flavor === 'collab') {
      // jupyter-collaboration saves the presenter's document, Lectern edits included, to disk.
      await expect.poll(() => readFile(join(lab.rootDir, 'talk.ipynb'), 'utf8'), { timeout: 20_000 }).toContain('# attendee')
    }

    // Stop: the presenter ends it; the attendee is told, and nothing reconnects.
    await presenter.locator('.lectern-stop').click()
    await expect.poll(() => banner(attendee).textContent(), { timeout: 10_000 }).toBe('The presenter ended this session')
    await expect.poll(() => presenter.locator('.lectern-present').count()).toBe(1)
    expect(await storedKeys(presenter, 'lectern.presentation ')).toEqual([]) // nothing left to resume
    const before = await sessionsOpened(relay)
    await sleep(10_000) // an absence is asserted: no session opened or refused for 10 s
    expect(await sessionsOpened(relay)).toBe(before)
    expect(await presenterSessions(lab)).toBe(1)
    // Every update the presenter's page sent was taken (the resumed one forwards the Jupyter room's).
    expect(await relayMetrics(relay)).toMatch(/^lectern_failed_updates_total 0$/m)
  }, 240_000)
})

/** Type, paste, and try notebook shortcuts (insert, delete, run) in the attendee's first cell. */
async function attemptEdits(page: Page, text: string): Promise<void> {
  const cell = liveCells(page).nth(0)
  await typeAtEnd(page, cell, text)
  await page.evaluate((value) => {
    const { navigator } = globalThis as unknown as { navigator: { clipboard: { writeText(text: string): Promise<void> } } }
    return navigator.clipboard.writeText(value)
  }, text)
  await page.keyboard.press('Control+V')
  await page.keyboard.press('Shift+Enter')
  await page.keyboard.press('Escape')
  for (const key of ['a', 'b', 'd', 'd', 'x', 'v']) await page.keyboard.press(key)
}

/** The page's localStorage keys that start with `prefix`. */
function storedKeys(page: Page, prefix: string): Promise<string[]> {
  return page.evaluate((start) => {
    const { localStorage } = globalThis as unknown as { localStorage: { length: number; key(index: number): string | null } }
    return Array.from({ length: localStorage.length }, (_, index) => localStorage.key(index) ?? '').filter((key) => key.startsWith(start))
  }, prefix)
}

/** Kernel sessions on the server: only the presenter's notebook has one. */
async function presenterSessions(lab: JupyterLabServer): Promise<number> {
  const sessions = (await (await fetch(new URL('api/sessions', lab.url))).json()) as Array<{ path: string }>
  return sessions.filter((session) => session.path.startsWith('lectern:') || session.path === 'talk.ipynb').length
}
