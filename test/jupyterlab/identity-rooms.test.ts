/**
 * Issue 14 in a real JupyterLab 4.6: a presenter with an identity token and no room set opens a
 * room of their own (POST /api/v1/rooms, allowed by the relay's --room-creators), which an attendee
 * follows; one who is not allowed is told what to do; and a notebook presented into a configured
 * room that holds another one replaces it rather than merging with it.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.js'
import { openLab, OUTPUT } from './support/browser.js'
import { missingPrerequisites, saveLecternSettings } from './support/jupyterlab.js'
import { cellSources, writeNotebook } from './support/notebook.js'
import { liveCells, presentLive, presenterCells, presenterDialog, typeAtEnd, waitForSources } from './support/pages.js'
import { useLabStory } from './support/story.js'

const missing = missingPrerequisites()

describe.skipIf(missing.length > 0)('JupyterLab with identity tokens (base)', () => {
  let idp: TestIdentityProvider | undefined
  /** The extension's settings for a presenter who signs in with `token` (a hub would provide it). */
  const identitySettings = (token: string, room = ''): Record<string, string> => ({
    relayUrl: story.relay.url,
    presenterAuth: 'identityToken',
    identityToken: token,
    room,
  })
  const identify = (user: string, groups: string[]): Promise<string> => {
    if (!idp) throw new Error('no identity provider yet')
    return idp.identify(user, groups)
  }
  const story = useLabStory('identity', {
    flavor: 'base',
    relayOptions: async () => {
      idp = await startIdentityProvider()
      return { tokenService: { ...TOKEN_SERVICE_DEFAULTS, identity: idp.settings, roomCreators: ['group:staff'] } }
    },
    // Sam is a student: not among the room creators.
    lecternSettings: async () => identitySettings(await identify('sam', ['students'])),
  })
  /** The room the relay opened for Ada (the last test presents another notebook into it). */
  let adasRoom: string | undefined

  beforeAll(async () => {
    await writeNotebook(join(story.lab.rootDir, 'lecture.ipynb'), ['a = 1', 'print(a)'])
    await writeNotebook(join(story.lab.rootDir, 'lab.ipynb'), ['b = 2'])
  })

  afterAll(() => idp?.dispose())

  it('a presenter who may not open rooms is told to set a room or ask the operator', async () => {
    const page = await openLab(story.browser, `${story.lab.url}lab/workspaces/sam/tree/lecture.ipynb`)
    story.pages.push(page)
    await waitForSources(presenterCells(page), ['a = 1', 'print(a)'], 60_000)
    await page.locator('.lectern-present').click()
    const dialog = page.locator('.jp-Dialog')
    await expect.poll(() => dialog.locator('.jp-Dialog-header').textContent()).toBe('Lectern: could not present live')
    expect(await dialog.locator('.jp-Dialog-body').textContent()).toBe(
      'This relay does not let you open rooms of your own. Set a room in Settings → Lectern (room), or ask the ' +
        'relay\'s operator to add you to its room creators (--room-creators).',
    )
    // The error is shown once the attempt is over: the toolbar offers Present live again meanwhile.
    expect(await page.locator('.lectern-present').textContent()).toBe('Present live')
    await dialog.screenshot({ path: join(OUTPUT, 'identity-not-allowed.png') })
    await dialog.getByRole('button', { name: 'Close' }).click()
    await page.close()
  })

  it('a room creator presents in a room the relay opens for them, which an attendee follows', async () => {
    await saveLecternSettings(story.lab, identitySettings(await identify('ada', ['staff'])))
    const presenter = await openLab(story.browser, `${story.lab.url}lab/workspaces/ada/tree/lecture.ipynb`)
    story.pages.push(presenter)
    const presented = presenterCells(presenter)
    await waitForSources(presented, ['a = 1', 'print(a)'], 60_000)
    const { attendeeUrl, code } = await presentLive(presenter)
    const { doc, observer } = await story.observe(code)
    const { room } = observer
    expect(room).toMatch(/^u\/ada\/[A-Za-z0-9_-]{16}$/)
    expect(cellSources(doc)).toEqual(['a = 1', 'print(a)'])
    expect(await story.admin.listGrants(room)).toContainEqual(
      expect.objectContaining({ subject: 'user:ada', scope: 'admin', label: 'lecture.ipynb' }),
    )
    await expect.poll(() => presenterDialog(presenter).locator('.lectern-audience').textContent()).toContain(`room ${room}`)
    await presenterDialog(presenter).getByRole('button', { name: 'Close' }).click()

    const attendee = await openLab(story.browser, attendeeUrl)
    story.pages.push(attendee)
    await waitForSources(liveCells(attendee), ['a = 1', 'print(a)'])
    await typeAtEnd(presenter, presented.nth(1), ' # live')
    await waitForSources(liveCells(attendee), ['a = 1', 'print(a) # live'])

    // Stop: the room stays Ada's (the next test presents another notebook into it).
    await presenter.locator('.lectern-stop').click()
    await expect.poll(() => presenter.locator('.lectern-present').count()).toBe(1)
    await attendee.close()
    adasRoom = room
  })

  it('a notebook presented into a configured room that holds another replaces it, never merges', async () => {
    const room = adasRoom
    if (room === undefined) throw new Error('the previous test opened no room')
    await saveLecternSettings(story.lab, identitySettings(await identify('ada', ['staff']), room))
    const presenter = await openLab(story.browser, `${story.lab.url}lab/workspaces/ada-lab/tree/lab.ipynb`)
    story.pages.push(presenter)
    const presented = presenterCells(presenter)
    await waitForSources(presented, ['b = 2'], 60_000)
    const { code } = await presentLive(presenter)
    const { doc, observer } = await story.observe(code)
    expect(observer.room).toBe(room)
    expect(cellSources(doc)).toEqual(['b = 2'])
    await presenterDialog(presenter).getByRole('button', { name: 'Close' }).click()
    await waitForSources(presented, ['b = 2'])
    expect(await presenterCells(presenter).count()).toBe(1)
  })
})
