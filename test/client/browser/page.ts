/**
 * What the test pages run: lectern/client, bundled for the browser, behind a few functions the
 * test calls with page.evaluate. A page holds one joined room.
 */
import * as Y from 'yjs'
import { joinRoom, type JoinOptions, type RoomHandle } from '../../../client/index.js'

let handle: RoomHandle | undefined
const seen = { readOnlyEdits: 0, replacedDocs: 0, scopes: [] as string[] }

function joined(): RoomHandle {
  if (!handle) throw new Error('not joined')
  return handle
}

const page = {
  async join(options: Omit<JoinOptions, 'doc'>): Promise<{ room: string; scope: string }> {
    handle = await joinRoom({ doc: new Y.Doc(), ...options })
    handle.on('readOnlyEdit', () => seen.readOnlyEdits++)
    handle.on('doc', () => seen.replacedDocs++)
    handle.on('scope', (scope) => seen.scopes.push(scope))
    await handle.synced
    return { room: handle.room, scope: handle.scope }
  },
  text: (): string => joined().doc.getText('text').toString(),
  type(words: string): void {
    const text = joined().doc.getText('text')
    text.insert(text.length, words)
  },
  /** What a page script could do to get past the library: write to the provider's own document. */
  typeAroundTheGuard(words: string): void {
    const text = joined().provider.doc.getText('text')
    text.insert(text.length, words)
  },
  seen: () => seen,
}

Object.assign(globalThis, { lecternPage: page })
export type LecternPage = typeof page
