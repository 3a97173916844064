/**
 * /r/ROOM for people who already have access but never redeemed a link in this browser, in
 * Chromium against a real relay that trusts a test identity provider:
 * - an identity user whose group holds a prefix grant (`course-101/*`) is told this browser has no
 *   access, signs in on the page with their identity token, and follows a document a Node client
 *   writes; a reload opens the room at once from the tab's session storage;
 * - a user without a grant is told so; the server admin key is refused by the page without being
 *   sent;
 * - a presenter signed in to the console opens the room's viewer from the room panel, in a new
 *   tab that uses the console's credential, and edits the text document there (an admin grant);
 * - no credential ever appears in a URL the pages request.
 */
import { expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { describeWithChromium } from '../support/browser.js'
import { useIdentityRelay } from '../support/identity-provider.js'
import { useTestRelay, waitFor } from '../support/relay-fixture.js'
import { adminApi, readAdminKey } from '../support/token-service-client.js'
import { expectCleanPages, newPage, recordRequests, screenshotPath, siteOf, useWebBrowser, type PageProblems } from './browser.js'
import { openRoom, signInToConsole } from './console-page.js'
import { presenterClient } from './room-writer.js'

const NO_ACCESS = 'This browser has no access to this room. Sign in with an identity token that has access, or open a share link from the presenter.'

describeWithChromium('viewer: /r/ROOM for identity users and presenters', () => {
  const startRelay = useIdentityRelay(useTestRelay())
  const browser = useWebBrowser()

  async function freshBrowser(): Promise<{ context: BrowserContext; page: Page; problems: PageProblems; requested: string[] }> {
    const context = await browser().newContext({ viewport: { width: 1280, height: 900 } })
    const requested = recordRequests(context)
    return { context, requested, ...(await newPage(context)) }
  }

  async function signInOnViewer(page: Page, credential: string): Promise<void> {
    await page.locator('main form.sign-in input[name=credential]').fill(credential)
    await page.locator('main form.sign-in').getByRole('button', { name: 'Sign in' }).click()
  }

  it('an identity user with a group grant signs in on the page and follows the room; others are told they have no access', async () => {
    const { relay, idp } = await startRelay()
    const room = 'course-101/week-3'
    await (await adminApi(relay)).setGrant('course-101/*', 'group:students', { scope: 'read' })
    const writer = await presenterClient(relay, room, 'Ada')
    const source = writer.doc.getText('source')
    source.insert(0, 'print("week 3")\n')
    const sam = await idp.identify('sam', ['students'])

    const { context, page, problems, requested } = await freshBrowser()
    await page.goto(`${siteOf(relay)}/r/${room}`)
    await page.locator('#status[data-status=offline]').waitFor()
    await expect(page.locator('main > .error[role=alert]').textContent()).resolves.toBe(NO_ACCESS)
    await page.screenshot({ path: screenshotPath('viewer-sign-in'), fullPage: true })
    await signInOnViewer(page, sam)
    const editor = page.locator('.text-document .cm-content')
    await editor.filter({ hasText: 'print("week 3")' }).waitFor()
    await expect(editor.getAttribute('contenteditable')).resolves.toBe('false')
    source.insert(source.length, 'print("live")\n')
    await editor.filter({ hasText: 'print("live")' }).waitFor()
    await page.locator('.presence', { hasText: 'Presenting: Ada · 1 watching' }).waitFor()

    // A reload opens the room at once: the token is in the tab's session storage, not in the URL.
    await page.reload()
    await editor.filter({ hasText: 'print("live")' }).waitFor()
    await expect(page.locator('form.sign-in').count()).resolves.toBe(0)

    // Someone whose token has no grant on the room is told so, and the form stays.
    const outsider = await freshBrowser()
    const tom = await idp.identify('tom', ['visitors'])
    await outsider.page.goto(`${siteOf(relay)}/r/${room}`)
    await signInOnViewer(outsider.page, tom)
    await outsider.page.locator('form.sign-in .error', { hasText: 'This token has no access to this room.' }).waitFor()
    await expect(outsider.page.locator('main > .error[role=alert]').textContent()).resolves.toBe(NO_ACCESS)
    // The server admin key holds no grants: the page says so and never sends it.
    const adminKey = await readAdminKey(relay.dataDir)
    const asked = outsider.requested.length
    await signInOnViewer(outsider.page, adminKey)
    await outsider.page.locator('form.sign-in .error', { hasText: 'That is not an identity token.' }).waitFor()
    expect(outsider.requested.length).toBe(asked)
    await expect(outsider.page.locator('.document').count()).resolves.toBe(0)

    for (const [urls, credential] of [[requested, sam], [outsider.requested, tom], [outsider.requested, adminKey]] as const) {
      expect(urls.filter((url) => url.includes(credential))).toEqual([])
    }
    expectCleanPages(problems, outsider.problems)
    await Promise.all([context.close(), outsider.context.close()])
    writer.destroy()
  })

  it('a presenter opens their room’s viewer from the console, with the console’s credential, and edits there', async () => {
    const { relay, idp } = await startRelay()
    const room = 'workshop'
    await (await adminApi(relay)).setGrant(room, 'user:ada', { scope: 'admin' })
    const writer = await presenterClient(relay, room, 'Bob')
    const source = writer.doc.getText('source')
    source.insert(0, 'notes\n')
    const ada = await idp.identify('ada', [])

    const { context, page: desk, problems, requested } = await freshBrowser()
    await signInToConsole(desk, siteOf(relay), ada)
    await openRoom(desk, room)
    const [viewer] = await Promise.all([context.waitForEvent('page'), desk.locator('.room-panel a.open-viewer').click()])
    await viewer.waitForURL(`**/r/${room}`)
    const editor = viewer.locator('.text-document .cm-content')
    await editor.filter({ hasText: 'notes' }).waitFor()
    await viewer.locator('.notice', { hasText: 'you can edit' }).waitFor()
    await waitFor(async () => (await editor.getAttribute('contenteditable')) === 'true', 'the presenter may edit')
    await editor.click()
    await viewer.keyboard.press('Control+End')
    await viewer.keyboard.type('from the viewer\n')
    await waitFor(() => source.toString().includes('from the viewer'), 'the presenter’s edit reaches the Node client')

    expect(requested.filter((url) => url.includes(ada))).toEqual([])
    expectCleanPages(problems)
    await context.close()
    writer.destroy()
  })
})
