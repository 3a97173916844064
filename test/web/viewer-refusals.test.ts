/**
 * What the viewer says when a link does not let someone in (expired, used up, withdrawn, not a
 * link at all), a browser without a key opens /r/ROOM, or a guest whose access was taken away
 * comes back: one sentence a guest can act on, and no connection.
 */
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { describeWithChromium } from '../support/browser.js'
import { useTestRelay, waitFor } from '../support/relay-fixture.js'
import { adminApi, lecternApi } from '../support/token-service-client.js'
import { expectCleanPages, newPage, PHONE, siteOf, useWebBrowser } from './browser.js'

describeWithChromium('viewer: links that do not let you in', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it('says why, for each kind of refusal', async () => {
    const relay = await fixture.start()
    const site = siteOf(relay)
    const admin = await adminApi(relay)
    const room = 'talk'
    const expired = await admin.createLink(room, { scope: 'read', expiresInSeconds: 1 })
    const usedUp = await admin.createLink(room, { scope: 'read', maxUses: 1 })
    await lecternApi(relay.url).redeem({ code: usedUp.code })
    const revoked = await admin.createLink(room, { scope: 'read' })
    await admin.revokeLink(room, revoked.link.id)
    await waitFor(async () => (await admin.listLinks(room)).find((link) => link.id === expired.link.id)?.status === 'expired', 'the link expires')

    const context = await browser().newContext(PHONE)
    const { page, problems } = await newPage(context)
    const refusal = async (path: string, join: boolean): Promise<string | null> => {
      await page.goto(`${site}${path}`)
      if (join) await page.getByRole('button', { name: 'Join' }).click()
      await page.locator('#status[data-status=offline]').waitFor()
      return page.locator('main > .error[role=alert]').textContent()
    }
    const expectNoDocument = async (viewer: Page) => expect(viewer.locator('.document').count()).resolves.toBe(0)
    await expect(refusal(`/join#${expired.code}`, true)).resolves.toBe('This link has expired. Ask the presenter for a new one.')
    await expectNoDocument(page)
    await expect(refusal(`/join#${usedUp.code}`, true)).resolves.toBe('This link has been used as many times as it allows. Ask the presenter for a new one.')
    await expect(refusal(`/join#${revoked.code}`, true)).resolves.toBe('The presenter has withdrawn this link.')
    await expect(refusal('/join#lct_share_not-a-code', true)).resolves.toBe('This link is not valid. Check that you opened the whole link.')
    await expect(refusal('/join', false)).resolves.toMatch(/^This page needs a share link from the presenter/)
    await expect(refusal(`/r/${room}`, false)).resolves.toBe(
      'This browser has no access to this room. Sign in with an identity token that has access, or open a share link from the presenter.',
    )
    await expectNoDocument(page)

    // A guest whose access was taken away comes back to /r/ROOM with the key this browser kept.
    const open = await admin.createLink(room, { scope: 'read' })
    await page.goto(`${site}/join#${open.code}`)
    await page.getByRole('button', { name: 'Join' }).click()
    await page.locator('.waiting', { hasText: 'Waiting for the presenter' }).waitFor()
    const grant = (await admin.listGrants(room)).find((candidate) => candidate.linkId === open.link.id)
    await admin.revokeGrant(room, grant!.subject)
    await page.locator('.notice.ended').waitFor()
    await expect(refusal(`/r/${room}`, false)).resolves.toBe(
      'You have no access to this room (any more). Sign in with an identity token that has access, or open a share link from the presenter.',
    )
    expectCleanPages(problems)
    await context.close()
  })
})
