/**
 * The console with each credential the token service accepts, in Chromium against a real relay
 * that trusts a test identity provider and lets `group:staff` open rooms (`--room-creators`):
 * - a presenter in the group opens a room of their own ("New room", with a label) and it is shown
 *   selected, ready for links; a prefix grant (`course-101/*`) is listed as a prefix, whose rooms
 *   they open by name, and the grants it holds show in a room's audience as coming from it;
 * - an identity user outside the group, and a guest key holding an admin grant, are told why they
 *   cannot open rooms, and the guest still runs the room it administers;
 * - no credential ever appears in a URL the pages request.
 */
import { expect, it } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { describeWithChromium } from '../support/browser.js'
import { useIdentityRelay } from '../support/identity-provider.js'
import { useTestRelay } from '../support/relay-fixture.js'
import { adminApi, lecternApi } from '../support/token-service-client.js'
import { expectCleanPages, newPage, recordRequests, screenshotPath, siteOf, useWebBrowser } from './browser.js'
import { signInToConsole } from './console-page.js'

describeWithChromium('console: signing in with each credential', () => {
  const startRelay = useIdentityRelay(useTestRelay(), { roomCreators: ['group:staff'] })
  const browser = useWebBrowser()

  async function presenterContext(): Promise<{ context: BrowserContext; requested: string[] }> {
    const context = await browser().newContext({ viewport: { width: 1280, height: 900 } })
    return { context, requested: recordRequests(context) }
  }

  it('an allowed presenter opens a room of their own; a prefix grant is listed as a prefix', async () => {
    const { relay, idp } = await startRelay()
    const admin = await adminApi(relay)
    await admin.setGrant('course-101/*', 'group:staff', { scope: 'admin' })
    await admin.setGrant('course-101/*', 'group:students', { scope: 'read' })
    const credential = await idp.identify('ada', ['staff'])
    const { context, requested } = await presenterContext()
    const { page, problems } = await newPage(context)
    await signInToConsole(page, siteOf(relay), credential)
    await expect(page.locator('#who .presenter-name').textContent()).resolves.toBe('ada')

    // New room, with a label: it is opened at once, selected in the list, ready for links.
    const form = page.locator('form.new-room')
    await form.locator('input[name=label]').fill('Intro to Yjs')
    await form.getByRole('button', { name: 'New room' }).click()
    const title = page.locator('.room-panel h2.room-title')
    await title.locator('.room-label', { hasText: 'Intro to Yjs' }).waitFor()
    const room = (await title.locator('.room-name').textContent())!
    expect(room).toMatch(/^u\/ada\/[A-Za-z0-9_-]{16}$/)
    const selected = page.locator('.room-list .room.current')
    await expect(selected.getAttribute('data-room')).resolves.toBe(room)
    await expect(selected.locator('.room-label').textContent()).resolves.toBe('Intro to Yjs')
    await page.locator('form.new-link input[name=label]').fill('attendees')
    await page.locator('form.new-link').getByRole('button', { name: 'Create link' }).click()
    await page.locator('.links tbody tr[data-status=active]', { hasText: 'attendees' }).waitFor()
    // The presenter's own admin grant is in the audience, marked, with nothing to click by mistake.
    const own = page.locator('.audience tbody tr[data-subject="user:ada"]')
    await own.locator('.name', { hasText: 'ada (you)' }).waitFor()
    await expect(own.locator('button').count()).resolves.toBe(0)
    await page.screenshot({ path: screenshotPath('console-new-room'), fullPage: true })

    // The prefix is not a room: picking it starts a room name under it.
    await page.locator('.prefix-list button[data-prefix="course-101/*"]').click()
    const name = page.locator('form.open-room input[name=room]')
    await expect(name.inputValue()).resolves.toBe('course-101/')
    await name.press('End')
    await name.pressSequentially('week-3')
    await name.press('Enter')
    await title.locator('.room-name', { hasText: 'course-101/week-3' }).waitFor()
    const students = page.locator('.audience tbody tr[data-subject="group:students"]')
    await students.locator('.via', { hasText: 'through course-101/*' }).waitFor()
    await expect(students.locator('.name').textContent()).resolves.toBe('Group students')
    await expect(students.locator('button').count()).resolves.toBe(0)
    await expect(page.locator('.audience .summary').textContent()).resolves.toBe('2 groups have access (2 through a room prefix), 0 connected now.')
    await expect(page.locator('.room-list .room.current').getAttribute('data-room')).resolves.toBe('course-101/week-3')

    // A reload signs in again from the tab's session storage and lists the room by its label.
    await page.reload()
    await page.locator('.room-list .room', { hasText: 'Intro to Yjs' }).waitFor()
    expect(requested.length).toBeGreaterThan(0)
    expect(requested.filter((url) => url.includes(credential))).toEqual([])
    expectCleanPages(problems)
    await context.close()
  })

  it('an identity user who may not open rooms, and a guest key holding an admin grant, are told why', async () => {
    const { relay, idp } = await startRelay()
    const admin = await adminApi(relay)
    const { code } = await admin.createLink('talk', { scope: 'admin', maxUses: 1 })
    const guestKey = (await lecternApi(relay.url).redeem({ code })).guestKey!
    const sam = await idp.identify('sam', ['students'])
    const { context, requested } = await presenterContext()
    const { page, problems } = await newPage(context)

    await signInToConsole(page, siteOf(relay), sam)
    await page.locator('.cannot-open', { hasText: 'does not let you open rooms' }).waitFor()
    await expect(page.locator('form.new-room').count()).resolves.toBe(0)
    await page.getByRole('button', { name: 'Sign out' }).click()

    await signInToConsole(page, siteOf(relay), guestKey)
    await expect(page.locator('#who .presenter-name').textContent()).resolves.toBe('guest')
    await page.locator('.cannot-open', { hasText: 'Guests cannot open rooms' }).waitFor()
    // The room the guest administers is listed; the guest runs it like any presenter.
    await page.locator('.room-list .room[data-room=talk]').click()
    await page.locator('form.new-link').getByRole('button', { name: 'Create link' }).click()
    await page.locator('.links tbody tr[data-status=active]').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()

    // A credential that does not verify is refused in words, and the form comes back.
    await page.locator('input[name=credential]').fill('lct_guest_not-a-real-key')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('form.sign-in .error', { hasText: 'was not accepted' }).waitFor()

    for (const credential of [sam, guestKey, 'lct_guest_not-a-real-key']) {
      expect(requested.filter((url) => url.includes(credential))).toEqual([])
    }
    expectCleanPages(problems)
    await context.close()
  })

  it('sends a presenter whose identity token expired back to sign in, saying why', async () => {
    const { relay, idp } = await startRelay()
    // The relay allows 5 s of clock skew: the token is refused about 7 s from now.
    const shortLived = await idp.identify('ada', ['staff'], '2s')
    const { context } = await presenterContext()
    const { page, problems } = await newPage(context)
    await signInToConsole(page, siteOf(relay), shortLived)
    await page.locator('form.new-room').getByRole('button', { name: 'New room' }).click()
    await page.locator('.room-panel .links').waitFor()
    await page.locator('form.sign-in .error', { hasText: 'no longer accepted' }).waitFor()
    await expect(page.locator('.room-panel').count()).resolves.toBe(0)
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0)
    expectCleanPages(problems)
    await context.close()
  })
})
