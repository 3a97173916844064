/**
 * A relay served over plain http at an address that is not loopback, as on a campus network
 * without TLS: browsers treat such pages as not secure, so they have no Clipboard API. The console
 * still copies a share link, and the viewer opens it and follows a notebook.
 */
import { networkInterfaces } from 'node:os'
import { expect, it } from 'vitest'
import { describeWithChromium } from '../support/browser.js'
import { useTestRelay } from '../support/relay-fixture.js'
import { readAdminKey } from '../support/token-service-client.js'
import { expectCleanPages, newPage, PHONE, useWebBrowser } from './browser.js'
import { createLink, openRoom, signInToConsole } from './console-page.js'
import { presenterClient, writeNotebook } from './room-writer.js'

/** This machine's first IPv4 address that is not loopback. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address?.family === 'IPv4' && !address.internal)?.address

describeWithChromium('web app over plain http, not on loopback', () => {
  const fixture = useTestRelay()
  const browser = useWebBrowser()

  it.skipIf(lanAddress === undefined)('copies a share link without the Clipboard API, and the viewer follows the room', async () => {
    const relay = await fixture.start({ host: '0.0.0.0' })
    const port = new URL(relay.url).port
    const site = `http://${lanAddress}:${port}`
    const room = 'campus/lecture-1'
    const presenter = await presenterClient(relay, room, 'Ada')
    writeNotebook(presenter.doc, [{ cell_type: 'markdown', source: '# Lecture 1' }])

    const context = await browser().newContext()
    // Only to read the clipboard back, from a page of the same relay on loopback (a secure context).
    await context.grantPermissions(['clipboard-read'], { origin: `http://127.0.0.1:${port}` })
    const { page: desk, problems } = await newPage(context)
    await signInToConsole(desk, site, await readAdminKey(relay.dataDir))
    await expect(desk.evaluate(() => window.isSecureContext)).resolves.toBe(false)
    await openRoom(desk, room)
    const url = await createLink(desk, { scope: 'read', label: 'lecture hall' })
    expect(url.startsWith(`${site}/join#`)).toBe(true)
    await desk.locator('.shown-link').getByRole('button', { name: 'Copy' }).click()
    await desk.locator('.shown-link').getByRole('button', { name: 'Copied' }).waitFor()
    const reader = await context.newPage()
    await reader.goto(`http://127.0.0.1:${port}/present`)
    await expect(reader.evaluate(() => navigator.clipboard.readText())).resolves.toBe(url)

    const phone = await browser().newContext(PHONE)
    const { page: viewer, problems: viewerProblems } = await newPage(phone)
    await viewer.goto(url)
    await viewer.getByRole('button', { name: 'Join' }).click()
    await viewer.locator('.cell-markdown h1', { hasText: 'Lecture 1' }).waitFor()
    await viewer.locator('#status', { hasText: 'live' }).waitFor()
    expectCleanPages(problems, viewerProblems)
    await phone.close()
    await context.close()
    presenter.destroy()
  })
})
