/**
 * A code cell's source. Opening a notebook cost most in its CodeMirror editors (each builds its
 * view and measures the page), so a cell starts as its highlighted text and becomes an editor when
 * it comes within a screen of the visible part: a long notebook opens about as fast as a short
 * one. Both follow the cell's text live; the editor also shows the presenter's cursor and, once
 * the session may write, edits in place.
 */
import { classHighlighter, highlightCode } from '@lezer/highlight'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { coalesce, h, replaceChildren } from '../dom.js'
import { createEditor, parserFor, type BoundEditor } from '../editor.js'

const upgrades = new WeakMap<Element, () => void>()
const nearScreen = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) if (entry.isIntersecting) upgrades.get(entry.target)?.()
  },
  { rootMargin: '100% 0px' },
)

export interface CodeContext {
  language: string | undefined
  awareness: Awareness
  editable: boolean
}

export class CodeView {
  private editor: BoundEditor | undefined
  private editable: boolean
  private readonly redraw = coalesce(() => this.drawText())

  constructor(private readonly parent: HTMLElement, private readonly source: Y.Text | string, private readonly context: CodeContext) {
    this.editable = context.editable
    this.drawText()
    if (source instanceof Y.Text) source.observe(this.redraw)
    upgrades.set(parent, () => this.upgrade())
    nearScreen.observe(parent)
  }

  setEditable(editable: boolean): void {
    this.editable = editable
    this.editor?.setEditable(editable)
  }

  destroy(): void {
    this.stopWatching()
    this.editor?.destroy()
  }

  private upgrade(): void {
    if (this.editor) return
    this.stopWatching()
    this.parent.replaceChildren()
    const { language, awareness } = this.context
    this.editor = createEditor(this.parent, this.source, { language, awareness, editable: this.editable })
  }

  private stopWatching(): void {
    nearScreen.unobserve(this.parent)
    upgrades.delete(this.parent)
    if (this.source instanceof Y.Text) this.source.unobserve(this.redraw)
  }

  /** The source as highlighted text, in the editor's classes, until the editor takes over. */
  private drawText(): void {
    if (this.editor) return
    const text = this.source.toString()
    const pre = h('pre', { className: 'cm-static' })
    const parser = parserFor(this.context.language)
    if (parser) {
      const put = (code: string, classes: string) => pre.append(classes ? h('span', { className: classes }, code) : code)
      highlightCode(text, parser.parse(text), classHighlighter, put, () => pre.append('\n'))
    } else {
      pre.textContent = text
    }
    replaceChildren(this.parent, pre)
  }
}
