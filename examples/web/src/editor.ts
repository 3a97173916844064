/**
 * A CodeMirror 6 view bound to a Y.Text with y-codemirror.next: it follows remote edits as they
 * happen and, once the session may write, edits in place. Read-only by default.
 */
import { Compartment, EditorState, type Extension } from '@codemirror/state'
import { EditorView, drawSelection, keymap, lineNumbers } from '@codemirror/view'
import { LRLanguage, syntaxHighlighting } from '@codemirror/language'
import { parser as pythonParser } from '@lezer/python'
import { classHighlighter } from '@lezer/highlight'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'

export interface BoundEditor {
  readonly view: EditorView
  setEditable(editable: boolean): void
  destroy(): void
}

export interface EditorOptions {
  /** Lower-case language name; Python is highlighted, anything else is shown plain. */
  language?: string | undefined
  lineNumbers?: boolean
  /** The room's awareness: remote cursors are drawn from it, and the local cursor is shared while editable. */
  awareness?: Awareness | undefined
  editable?: boolean
}

export function createEditor(parent: HTMLElement, source: Y.Text | string, options: EditorOptions = {}): BoundEditor {
  const access = new Compartment()
  const collab = new Compartment()
  const undoManager = source instanceof Y.Text ? new Y.UndoManager(source) : undefined
  const binding = (editable: boolean): Extension => {
    if (!(source instanceof Y.Text) || !undoManager) return []
    const { awareness } = options
    // A viewer sees the presenter's cursor but shares no cursor of its own: 500 viewers' cursors
    // would flood every presenter's screen.
    const shared = awareness && (editable ? awareness : passiveAwareness(awareness))
    return yCollab(source, shared, { undoManager })
  }
  const accessFor = (editable: boolean): Extension => [EditorView.editable.of(editable), EditorState.readOnly.of(!editable)]
  let editable = options.editable ?? false
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: source.toString(),
      extensions: [
        STYLE_NONCE,
        options.lineNumbers ? lineNumbers() : [],
        drawSelection(),
        EditorView.lineWrapping,
        syntaxHighlighting(classHighlighter),
        languageSupport(options.language),
        keymap.of(yUndoManagerKeymap),
        access.of(accessFor(editable)),
        collab.of(binding(editable)),
      ],
    }),
  })
  return {
    view,
    setEditable(next) {
      if (next === editable) return
      editable = next
      view.dispatch({ effects: [access.reconfigure(accessFor(next)), collab.reconfigure(binding(next))] })
    },
    destroy() {
      view.destroy()
      undoManager?.destroy()
    },
  }
}

/** Python highlighting from the Lezer grammar alone: the viewer needs no completion or indentation rules. */
const PYTHON = LRLanguage.define({ name: 'python', parser: pythonParser })

/**
 * CodeMirror writes its theme into a <style> element; the page's CSP admits it with the nonce the
 * relay put in this page (a fresh one per response).
 */
const STYLE_NONCE = EditorView.cspNonce.of(document.querySelector<HTMLMetaElement>('meta[name="lectern-style-nonce"]')?.content ?? '')

function languageSupport(language: string | undefined): Extension {
  return isPython(language) ? PYTHON : []
}

/** The Lezer parser that highlights `language`, if this page has one. */
export function parserFor(language: string | undefined): typeof pythonParser | undefined {
  return isPython(language) ? pythonParser : undefined
}

function isPython(language: string | undefined): boolean {
  return language === 'python' || language === 'ipython' || language === 'python3'
}

/**
 * The room's awareness as y-codemirror.next sees it: every remote state, and no local state, so the
 * plugin draws others' cursors and never publishes ours.
 */
function passiveAwareness(awareness: Awareness): Pick<Awareness, 'doc' | 'getStates' | 'on' | 'off'> & {
  getLocalState(): null
  setLocalStateField(): void
} {
  return {
    doc: awareness.doc,
    getStates: () => awareness.getStates(),
    on: (name, handler) => awareness.on(name, handler),
    off: (name, handler) => awareness.off(name, handler),
    getLocalState: () => null,
    setLocalStateField: () => undefined,
  }
}
