/**
 * The console on a phone (390×844): a presenter hands out a link from their phone, with its QR
 * code, and sees the audience; the page lays out at the phone's width and never scrolls sideways.
 */
import { it } from 'vitest'
import { describeWithChromium } from '../support/browser.js'
import { rawClient, useTestRelay } from '../support/relay-fixture.js'
import { lecternApi, readAdminKey } from '../support/token-service-client.js'
import { expectCleanPages, newPage, PHONE, screenshotPath, siteOf, useWebBrowser } from './browser.js'
import { audienceRow, createLink, openRoom, signInToConsole } from './console-page.js'
import { expectFitsThePhone } from './phone-layout.js'

describeWithChromium('console: on a phone', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('hands out a link and shows the audience within the phone’s width', async () => {
    const relay = await fixture.start()
    const room = 'course-101/week-3/a-long-room-name-on-a-phone'
    const context = await browser().newContext(PHONE)
    const { page, problems } = await newPage(context)
    await signInToConsole(page, siteOf(relay), await readAdminKey(relay.dataDir))
    await openRoom(page, room)
    const url = await createLink(page, { scope: 'read', label: 'attendees at the back of the hall' })
    const { token } = await lecternApi(relay.url).redeem({ code: new URL(url).hash.slice(1), displayName: 'Grace Brewster Murray Hopper' })
    const session = rawClient(relay.url, room, token)
    await session.opened
    await audienceRow(page, 'Grace Brewster').and(page.locator('[data-connected=true]')).waitFor()
    await expectFitsThePhone(page)
    await page.screenshot({ path: screenshotPath('console-phone'), fullPage: true })
    expectCleanPages(problems)
    session.ws.close()
    await context.close()
  })
})
