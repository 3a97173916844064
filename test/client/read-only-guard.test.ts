/**
 * The read-only guard against a real relay: a viewer's local changes never reach the room,
 * not while it reads and not once it is upgraded, unless the caller asked to keep them.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { RoomHandle } from '../../client/index.js'
import { text, waitFor } from '../support/relay-fixture.js'
import { nextEvent, useClientFixture } from '../support/client-fixture.js'

const fixture = useClientFixture()

/** A writer with some text, and a viewer that joined through a read-only share code. */
async function writerAndViewer(room: string, readOnlyEdits?: 'keep'): Promise<{ writer: RoomHandle; viewer: RoomHandle }> {
  await fixture.start()
  const writer = await fixture.join({ room, token: await fixture.relay.mint(room, 'write') })
  await writer.synced
  writer.doc.getText('text').insert(0, 'The room says hello.')
  const { code } = await fixture.admin.createLink(room, { scope: 'read' })
  const viewer = await fixture.join({ code, ...(readOnlyEdits ? { readOnlyEdits } : {}) })
  await viewer.synced
  await waitFor(() => text(viewer.doc) === 'The room says hello.', 'the viewer has the room')
  return { writer, viewer }
}

async function upgrade(viewer: RoomHandle): Promise<void> {
  const upgraded = nextEvent(viewer, 'scope')
  await fixture.admin.setGrant(viewer.room, viewer.subject!, { scope: 'write' })
  expect(await upgraded).toBe('write')
}

describe('read-only guard', () => {
  it('discards a viewer\'s stray edits by rebuilding its document from the relay, also after an upgrade', async () => {
    const { writer, viewer } = await writerAndViewer('guarded')
    const original = viewer.doc
    const reported = nextEvent(viewer, 'readOnlyEdit')
    const replaced = nextEvent(viewer, 'doc')
    original.getText('text').insert(0, 'STRAY ')
    await reported
    expect(await replaced).toBe(viewer.doc)
    expect(viewer.doc).not.toBe(original)
    expect(text(viewer.doc)).toBe('The room says hello.')
    expect(viewer.doc.clientID).toBe(original.clientID)

    writer.doc.getText('text').insert(text(writer.doc).length, ' More.')
    await waitFor(() => text(viewer.doc) === 'The room says hello. More.', 'the rebuilt document follows the room')
    await upgrade(viewer)
    viewer.doc.getText('text').insert(0, 'Upgraded: ')
    await waitFor(() => text(writer.doc) === 'Upgraded: The room says hello. More.', 'the upgraded viewer writes')
    expect(fixture.relay.relay.rooms.get('guarded')!.doc.getText('text').toString()).not.toContain('STRAY')
    // Nothing was even sent while read-only: the relay dropped no write.
    expect(fixture.relay.relay.counters.readOnlyWritesDropped).toBe(0)
  })

  it('brings back what a viewer deleted, and shows the room\'s later edits inside it', async () => {
    const { writer, viewer } = await writerAndViewer('deleted')
    viewer.doc.getText('text').delete(0, text(viewer.doc).length)
    await nextEvent(viewer, 'doc')
    expect(text(viewer.doc)).toBe('The room says hello.')
    writer.doc.getText('text').insert('The room'.length, ' still')
    await waitFor(() => text(viewer.doc) === 'The room still says hello.', 'edits inside the deleted text arrive')
    await upgrade(viewer)
    expect(text(writer.doc)).toBe('The room still says hello.')
  })

  it('counts content the document had before joining read-only as a stray edit', async () => {
    await fixture.start()
    const writer = await fixture.join({ room: 'prefilled', token: await fixture.relay.mint('prefilled', 'write') })
    await writer.synced
    writer.doc.getText('text').insert(0, 'room')
    const prefilled = new Y.Doc()
    prefilled.getText('text').insert(0, 'local draft ')
    const viewer = await fixture.join({ room: 'prefilled', token: await fixture.relay.mint('prefilled', 'read'), doc: prefilled })
    await nextEvent(viewer, 'doc')
    await waitFor(() => text(viewer.doc) === 'room', 'the viewer shows the room only')
    expect(text(writer.doc)).toBe('room')
  })

  it('keeps stray edits when asked, and sends them once the viewer may write', async () => {
    const { writer, viewer } = await writerAndViewer('kept', 'keep')
    const original = viewer.doc
    const reported = nextEvent(viewer, 'readOnlyEdit')
    viewer.doc.getText('text').insert(0, 'Kept: ')
    await reported
    writer.doc.getText('text').insert(text(writer.doc).length, ' More.')
    await waitFor(() => text(viewer.doc) === 'Kept: The room says hello. More.', 'the viewer still follows')
    expect(text(writer.doc)).toBe('The room says hello. More.')
    await upgrade(viewer)
    await waitFor(() => text(writer.doc) === 'Kept: The room says hello. More.', 'the kept edit arrives after the upgrade')
    expect(viewer.doc).toBe(original)
  })
})

describe('lectern/client in a browser', () => {
  it('imports nothing from Node: no node: modules, no ws', async () => {
    const imports: string[] = []
    for (const folder of ['client', 'protocol']) {
      const root = fileURLToPath(new URL(`../../${folder}/`, import.meta.url))
      for (const file of await readdir(root)) {
        const source = await readFile(join(root, file), 'utf8')
        for (const match of source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) imports.push(match[1]!)
      }
    }
    expect(imports.length).toBeGreaterThan(20)
    expect(imports.filter((name) => name.startsWith('node:') || name === 'ws' || name.includes('/relay/') || name.includes('/auth/'))).toEqual([])
  })
})
