/**
 * What a room holds decides how it is shown: a JupyterLab notebook (root `cells` array, the
 * YNotebook layout) as a notebook, a text or code file (root `source` text, the YFile layout) in an
 * editor. Until either arrives the page waits: the presenter may not have opened the file yet.
 */
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { h } from './dom.js'
import { createEditor, type BoundEditor } from './editor.js'
import { NotebookView } from './notebook/notebook-view.js'

export type DocumentKind = 'notebook' | 'text'

export interface DocumentView {
  readonly kind: DocumentKind
  readonly element: HTMLElement
  setEditable(editable: boolean): void
  destroy(): void
}

/** The kind of document in `doc`, or undefined while it holds neither layout. */
export function documentKind(doc: Y.Doc, room: string): DocumentKind | undefined {
  // A root type that arrived from the relay exists in doc.share before anyone asked for it by type.
  if (doc.share.has('cells') || room.startsWith('json:notebook:')) return 'notebook'
  if (doc.share.has('source') || room.startsWith('text:')) return 'text'
  // An empty file has no text yet, but JupyterLab's document state names its path.
  const path = doc.share.has('state') ? doc.getMap('state').get('path') : undefined
  if (typeof path === 'string' && !path.endsWith('.ipynb')) return 'text'
  return undefined
}

export function createDocumentView(kind: DocumentKind, doc: Y.Doc, awareness: Awareness): DocumentView {
  if (kind === 'notebook') {
    const notebook = new NotebookView(doc, awareness)
    return { kind, element: notebook.element, setEditable: (on) => notebook.setEditable(on), destroy: () => notebook.destroy() }
  }
  const element = h('section', { className: 'text-document' })
  const path = doc.getMap('state').get('path')
  const editor: BoundEditor = createEditor(element, doc.getText('source'), {
    language: typeof path === 'string' && path.endsWith('.py') ? 'python' : undefined,
    lineNumbers: true,
    awareness,
  })
  return { kind, element, setEditable: (on) => editor.setEditable(on), destroy: () => editor.destroy() }
}
