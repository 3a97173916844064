/** What a JupyterLab story runs against: a relay, JupyterLab with this extension, Chromium. */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { joinRoom, type RoomHandle } from '../../../client/index.js'
import { LecternApi } from '../../../protocol/api-client.js'
import type { StartOptions } from '../../../relay/start.js'
import { launchChromium } from '../../support/browser.js'
import { startTestRelay, type TestRelay } from '../../support/relay-fixture.js'
import { OUTPUT, screenshotOnFailure } from './browser.js'
import { startJupyterLab, type Flavor, type JupyterLabServer } from './jupyterlab.js'

export interface StorySetup {
  flavor: Flavor
  /** How the relay starts (its token service's settings). */
  relayOptions?: () => Promise<StartOptions>
  /** The extension's settings JupyterLab starts with. */
  lecternSettings(relay: TestRelay, adminKey: string): Promise<Record<string, string>> | Record<string, string>
}

/** Filled before the file's tests, stopped after them. */
export class LabStory {
  relay!: TestRelay
  /** The relay's API with its server admin key. */
  admin!: LecternApi
  lab!: JupyterLabServer
  browser!: Browser
  /** The pages the story opens: push them here, each is screenshot when a test fails. */
  readonly pages: Page[]
  readonly observers: RoomHandle[] = []

  constructor(name: string) {
    this.pages = screenshotOnFailure(name)
  }

  /** A Node client that redeems an attendee code: the room, as an attendee gets it. */
  async observe(code: string): Promise<{ doc: Y.Doc; observer: RoomHandle }> {
    const doc = new Y.Doc()
    const observer = await joinRoom({ relay: this.relay.url, doc, code, WebSocket })
    this.observers.push(observer)
    await observer.synced
    return { doc, observer }
  }
}

export function useLabStory(name: string, setup: StorySetup): LabStory {
  const story = new LabStory(name)
  beforeAll(async () => {
    story.relay = await startTestRelay({}, (await setup.relayOptions?.()) ?? {})
    const adminKey = (await readFile(join(story.relay.dataDir, 'admin.key'), 'utf8')).trim()
    story.admin = new LecternApi({ api: `http://127.0.0.1:${story.relay.port}/api/v1`, credential: adminKey })
    story.lab = await startJupyterLab({ flavor: setup.flavor, lecternSettings: await setup.lecternSettings(story.relay, adminKey) })
    story.browser = await launchChromium()
    await mkdir(OUTPUT, { recursive: true })
  }, 120_000)
  afterAll(async () => {
    for (const observer of story.observers) observer.destroy()
    await story.browser?.close()
    await story.lab?.stop()
    await story.relay?.dispose()
  }, 60_000)
  return story
}
