/**
 * The console's links and audience against a real relay, in Chromium: a link made with the form
 * carries its expiry, maximum uses and label; Copy copies it and its QR code reads back as it;
 * every status shows (active, used up, expired, revoked) as it happens, without a reload; revoking
 * a used-up link and removing a person end their live sessions. How long each change took to show is
 * printed (the console polls twice a second), not asserted: no wall-clock limits in tests.
 */
import { expect, it } from 'vitest'
import { describeWithChromium } from '../support/browser.js'
import { rawClient, useTestRelay, type RawClient, type TestRelay } from '../support/relay-fixture.js'
import { adminApi, lecternApi, readAdminKey } from '../support/token-service-client.js'
import { expectCleanPages, newPage, siteOf, useWebBrowser } from './browser.js'
import { audienceRow, createLink, linkRow, openRoom, signInToConsole } from './console-page.js'
import { readQrCode } from './qr-reader.js'

const ROOM = 'talk'
const HOUR_MS = 3600_000

interface Guest {
  subject: string
  session: RawClient
}

/** A guest who redeems `code` with a name and connects, as a viewer page would. */
async function guestJoins(relay: TestRelay, code: string, displayName: string): Promise<Guest> {
  const { token, subject } = await lecternApi(relay.url).redeem({ code, displayName })
  const session = rawClient(relay.url, ROOM, token)
  await session.opened
  return { subject, session }
}

describeWithChromium('console: links and audience', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('creates links with expiry, uses and label; shows every status live; revokes and removes', { timeout: 120_000 }, async () => {
    const relay = await fixture.start()
    const admin = await adminApi(relay)
    const context = await browser().newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: siteOf(relay) })
    const { page: desk, problems } = await newPage(context)
    await signInToConsole(desk, siteOf(relay), await readAdminKey(relay.dataDir))
    await openRoom(desk, ROOM)
    // The server admin key holds no grants: the panel points to share links, not to a viewer it cannot open.
    expect(await desk.locator('.room-panel .viewer-hint').textContent()).toMatch(/open a share link of it/)
    expect(await desk.locator('.room-panel a.open-viewer').count()).toBe(0)
    // From the moment the API has made a change to the frame the console shows it (checked every
    // animation frame in the page, so the wait itself adds at most a frame).
    const shownAfter: Record<string, number> = {}
    const shownAt = (selector: string) => desk.waitForFunction((css) => document.querySelector(css) !== null, selector, { polling: 'raf' })
    const timeShown = async (what: string, change: () => Promise<unknown>, selector: () => string) => {
      await change()
      const changed = Date.now()
      await shownAt(selector())
      shownAfter[what] = Date.now() - changed
    }

    // The form's choices reach the API: one hour, one use, a label.
    const before = Date.now()
    const url = await createLink(desk, { scope: 'read', label: 'one seat', maxUses: '1', expires: '1 hour' })
    const [made] = await admin.listLinks(ROOM)
    expect(made).toMatchObject({ label: 'one seat', scope: 'read', maxUses: 1, uses: 0, status: 'active' })
    expect(Date.parse(made!.expiresAt) - before).toBeGreaterThanOrEqual(HOUR_MS - 1000)
    expect(Date.parse(made!.expiresAt) - Date.now()).toBeLessThanOrEqual(HOUR_MS)
    await expect(linkRow(desk, 'one seat').locator('td').nth(3).textContent()).resolves.toBe('0 / 1')
    // The QR code on the screen reads back as the share link.
    expect(await readQrCode(desk.locator('.shown-link svg.qr'))).toBe(url)
    // Copy puts it on the clipboard (through the Clipboard API here; test/web/plain-http.test.ts without it).
    await desk.locator('.shown-link').getByRole('button', { name: 'Copy' }).click()
    await desk.locator('.shown-link').getByRole('button', { name: 'Copied' }).waitFor()
    await expect(desk.evaluate(() => navigator.clipboard.readText())).resolves.toBe(url)
    const code = new URL(url).hash.slice(1)

    // Carol takes the one seat: the link is used up, Carol appears, connected.
    let carol: Guest | undefined
    await timeShown('a redeem (link used up)', async () => (carol = await guestJoins(relay, code, 'Carol')), () => `tr[data-link="${made!.id}"][data-status=used_up]`)
    await expect(linkRow(desk, 'one seat').locator('td').nth(3).textContent()).resolves.toBe('1 / 1')
    await audienceRow(desk, 'Carol').and(desk.locator('[data-connected=true]')).waitFor()

    // A link made elsewhere (the CLI, another console) shows up, and expires on the screen.
    const short = await admin.createLink(ROOM, { scope: 'read', expiresInSeconds: 1, label: 'one second' })
    await linkRow(desk, 'one second').waitFor()
    await shownAt(`tr[data-link="${short.link.id}"][data-status=expired]`)
    shownAfter['an expiry'] = Date.now() - Date.parse(short.link.expiresAt)

    // A grant changed elsewhere: the console follows.
    await timeShown('a scope change', () => admin.setGrant(ROOM, carol!.subject, { scope: 'write' }), () => `tr[data-subject="${carol!.subject}"][data-scope=write]`)

    // Revoking the used-up link still takes back what it gave: Carol's session ends.
    await linkRow(desk, 'one seat').getByRole('button', { name: 'Revoke' }).click()
    await linkRow(desk, 'one seat').and(desk.locator('[data-status=revoked]')).waitFor()
    await expect(carol!.session.closed).resolves.toMatchObject({ code: 4403 })
    await desk.locator('.audience tbody tr', { hasText: 'Carol' }).waitFor({ state: 'detached' })
    await expect(linkRow(desk, 'one seat').getByRole('button', { name: 'Revoke' }).count()).resolves.toBe(0)

    // Dan comes in through another link; "Remove" ends his session and his grant.
    const open = await admin.createLink(ROOM, { scope: 'read', label: 'open door' })
    let dan: Guest | undefined
    await timeShown('a join (connected now)', async () => (dan = await guestJoins(relay, open.code, 'Dan')), () => `tr[data-subject="${dan!.subject}"][data-connected=true]`)
    await timeShown('a leave (not connected)', async () => {
      dan!.session.ws.close()
      await dan!.session.closed
    }, () => `tr[data-subject="${dan!.subject}"][data-connected=false]`)
    const danAgain = await guestJoins(relay, open.code, 'Dan again')
    await audienceRow(desk, 'Dan again').and(desk.locator('[data-connected=true]')).waitFor()
    await audienceRow(desk, 'Dan again').getByRole('button', { name: 'Remove' }).click()
    await expect(danAgain.session.closed).resolves.toMatchObject({ code: 4403 })
    await audienceRow(desk, 'Dan again').waitFor({ state: 'detached' })
    expect((await admin.listGrants(ROOM)).map((grant) => grant.displayName)).toEqual(['Dan'])

    // "Show" brings back the QR code of a link made in this tab.
    await createLink(desk, { scope: 'write', label: 'helpers' })
    await linkRow(desk, 'one seat').getByRole('button', { name: 'Show' }).click()
    await desk.locator('.shown-link h3', { hasText: 'one seat' }).waitFor()
    expect(await readQrCode(desk.locator('.shown-link svg.qr'))).toBe(url)

    console.log(`console: changes shown after (ms): ${JSON.stringify(shownAfter)}`)
    expectCleanPages(problems)
    await context.close()
  })
})
