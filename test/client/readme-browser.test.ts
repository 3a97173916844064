/**
 * The README's browser example of lectern/client, bundled as written (Vite) and opened in Debian's
 * Chromium with a share code: it shows the room, follows it, and says when the session ends.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { describeWithChromium, launchChromium, servePage } from '../support/browser.js'
import { useClientFixture } from '../support/client-fixture.js'
import { onRelay, readmeJsBlock } from '../support/readme.js'

const fixture = useClientFixture()

describeWithChromium('the README browser example', () => {
  it('follows a room through a share code until the session ends', async () => {
    await fixture.start()
    const presenter = await fixture.join({ room: 'notes-room', token: await fixture.relay.mint('notes-room', 'write') })
    await presenter.synced
    presenter.doc.getText('source').insert(0, 'Slide 1')
    const { code } = await fixture.admin.createLink('notes-room', { scope: 'read' })

    // Inside the package, where Vite finds yjs the way an application's bundler would.
    const folder = fileURLToPath(new URL('../../.vitest-tmp/', import.meta.url))
    await mkdir(folder, { recursive: true })
    const entry = `${folder}readme-browser-${process.pid}.js`
    await writeFile(entry, onRelay(readmeJsBlock('location.search'), fixture.relay.url))
    const [served, browser] = await Promise.all([servePage(entry), launchChromium()])
    try {
      const page = await browser.newPage()
      await page.goto(`${served.url}?code=${code}`)
      await page.waitForFunction(`document.body.textContent === 'Slide 1'`)
      expect(await page.title()).toBe('Following')
      presenter.doc.getText('source').insert(7, ', and slide 2')
      await page.waitForFunction(`document.body.textContent === 'Slide 1, and slide 2'`)

      const [grant] = await fixture.admin.listGrants('notes-room')
      await fixture.admin.setGrant('notes-room', grant!.subject, { scope: 'write' })
      await page.waitForFunction(`document.title === 'You may edit'`)
      await fixture.admin.revokeLink('notes-room', (await fixture.admin.listLinks('notes-room'))[0]!.id)
      await page.waitForFunction(`document.body.textContent === 'The session has ended.'`)
    } finally {
      await browser.close()
      await served.close()
    }
  }, 90_000)
})
