/**
 * A joined room on the viewer page: the document, live; the connection status; who presents and
 * how many watch; an editable document while the relay says this session may write; and, when the
 * access is taken away, a message that the session has ended.
 */
import type * as Y from 'yjs'
import type { RoomHandle, Scope } from 'lectern/client'
import { byId, h, replaceChildren } from '../dom.js'
import { createDocumentView, documentKind, type DocumentView } from '../document-view.js'
import { describePresence, presenceOf } from './presence.js'

const DOCUMENT_SHOWN = 'lectern:document-shown'
const PALETTE = ['#d9480f', '#2b8a3e', '#1864ab', '#862e9c', '#c2255c', '#087f5b', '#e67700']

export function showRoom(handle: RoomHandle, main: HTMLElement, displayName: string | undefined): void {
  const status = byId('status')
  const notice = h('p', { className: 'notice', hidden: true, role: 'status' })
  const presence = h('p', { className: 'presence' }, 'Connecting…')
  const content = h('div', { className: 'document' }, h('p', { className: 'waiting' }, 'Loading the document…'))
  replaceChildren(main, presence, notice, content)
  byId('room-name').textContent = handle.room
  document.title = `${handle.room} · Lectern`

  let view: DocumentView | undefined
  let ended = false
  let shownOnce = false

  const showStatus = (value: string) => {
    status.dataset['status'] = value
    status.textContent = value
  }
  const showPresence = () => {
    presence.textContent = describePresence(presenceOf(handle.awareness))
  }
  const applyScope = (scope: Scope) => {
    const editable = scope === 'write' && !ended
    view?.setEditable(editable)
    notice.hidden = !editable
    notice.textContent = editable ? 'The presenter gave you write access: you can edit the document now.' : ''
    // While writing, the session appears by name (remote cursors use it); a reader stays anonymous.
    handle.awareness.setLocalStateField('user', editable ? { name: displayName ?? 'Guest', color: colorFor(handle.awareness.clientID) } : null)
  }
  let watched: Y.Doc | undefined
  const watch = (doc: Y.Doc | undefined) => {
    watched?.off('update', mountWhenKnown)
    doc?.on('update', mountWhenKnown)
    watched = doc
  }
  function mountWhenKnown(): void {
    if (view || ended) return
    const kind = documentKind(handle.doc, handle.room)
    if (!kind) {
      if (watched !== handle.doc) watch(handle.doc)
      replaceChildren(content, h('p', { className: 'waiting' }, 'Waiting for the presenter to open a document…'))
      return
    }
    watch(undefined)
    view = createDocumentView(kind, handle.doc, handle.awareness)
    replaceChildren(content, view.element)
    document.body.dataset['document'] = kind
    if (!shownOnce) {
      shownOnce = true
      // When the document is first painted, for load-time measurements (the performance panel of
      // a browser's tools, test/web/viewer-load.test.ts): a task queued from the next animation
      // frame runs once that frame, with the document in it, is drawn.
      requestAnimationFrame(() => setTimeout(() => performance.mark(DOCUMENT_SHOWN)))
    }
    applyScope(handle.scope)
  }

  showStatus(handle.status)
  handle.on('status', showStatus)
  handle.on('scope', applyScope)
  handle.on('revoked', (reason) => {
    ended = true
    view?.setEditable(false)
    // Leaving clears the room's awareness here; the last line about who was there stays.
    handle.awareness.off('change', showPresence)
    handle.destroy()
    showStatus('ended')
    document.body.dataset['ended'] = 'true'
    notice.hidden = false
    notice.className = 'notice ended'
    notice.textContent = endedMessage(reason)
  })
  handle.on('error', (error) => {
    notice.hidden = false
    notice.textContent = error.message
  })
  handle.awareness.on('change', showPresence)
  showPresence()
  // Edits made while read-only (a race with a take-back) are discarded by replacing the document:
  // the views follow the new one.
  handle.on('doc', () => {
    view?.destroy()
    view = undefined
    mountWhenKnown()
  })
  // If the handle stops before its first sync, the revoked and error events have said why.
  handle.synced.then(mountWhenKnown, () => undefined)
}

function colorFor(clientId: number): string {
  return PALETTE[clientId % PALETTE.length]!
}

/** Why the session ended: access taken back, or a sign-in that is no longer accepted (see RoomEvents.revoked). */
function endedMessage(reason: string): string {
  const what = reason.startsWith('unauthorized:')
    ? 'This session has ended: your sign-in is no longer accepted (an identity token lasts only a while). Reload the page to sign in again.'
    : 'This session has ended: the presenter took your access back.'
  return `${what} What you see is the document as it was.`
}
