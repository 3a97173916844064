/**
 * One notebook cell. A code cell is its source (code-view.ts: it follows keystrokes and can be
 * edited once the session may write) above its outputs; a Markdown cell is its rendered, sanitized
 * Markdown; a raw cell is plain text. The view follows the cell's Y.Map and rebuilds only what changed.
 */
import type * as Y from 'yjs'
import { coalesce, h, replaceChildren } from '../dom.js'
import { renderMarkdown } from '../sanitize.js'
import { CodeView, type CodeContext } from './code-view.js'
import { cellAttachments, cellOutputs, cellSource, cellType, executionCount, multiline, type CellType } from './layout.js'
import { renderOutputs } from './outputs.js'

export type CellContext = CodeContext

export class CellView {
  readonly element: HTMLElement
  private readonly type: CellType
  private code: CodeView | undefined
  private readonly prompt = h('div', { className: 'prompt in-prompt' })
  private readonly body = h('div', { className: 'cell-body' })
  private readonly outputs = h('div', { className: 'outputs' })
  private readonly refreshOutputs = coalesce(() => this.renderOutputs())
  private readonly refreshMarkdown = coalesce(() => this.renderMarkdown())
  private readonly observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => this.changed(events)

  constructor(
    readonly cell: Y.Map<unknown>,
    context: CellContext,
    /** Called when the cell changed beyond what this view can follow (its type or its source object). */
    private readonly replaced: () => void,
  ) {
    this.type = cellType(cell)
    this.element = h('article', { className: `cell cell-${this.type}` })
    this.element.append(this.prompt, this.body)
    if (this.type === 'code') {
      this.code = new CodeView(this.body, cellSource(cell), context)
      this.element.append(this.outputs)
      this.renderOutputs()
    } else if (this.type === 'markdown') {
      this.body.classList.add('markdown')
      this.renderMarkdown()
    } else {
      this.body.append(h('pre', { className: 'raw' }, multiline(cell.get('source'))))
    }
    cell.observeDeep(this.observer)
  }

  setEditable(editable: boolean): void {
    this.code?.setEditable(editable)
  }

  destroy(): void {
    this.cell.unobserveDeep(this.observer)
    this.code?.destroy()
    this.element.remove()
  }

  private changed(events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void {
    for (const event of events) {
      const key = event.target === this.cell ? undefined : event.path[0]
      if (key === undefined) {
        const keys = (event as Y.YMapEvent<unknown>).keysChanged
        if (keys.has('cell_type') || keys.has('source')) return this.replaced()
        if (keys.has('outputs') || keys.has('execution_count')) this.refreshOutputs()
        if (keys.has('attachments')) this.refreshMarkdown()
      } else if (key === 'outputs') {
        this.refreshOutputs()
      } else if (key === 'source') {
        // A code cell's view follows its Y.Text itself; Markdown is rendered again.
        this.refreshMarkdown()
      } else if (key === 'attachments') {
        this.refreshMarkdown()
      }
    }
  }

  private renderOutputs(): void {
    if (this.type !== 'code') return
    const count = executionCount(this.cell)
    this.prompt.textContent = `[${count ?? ' '}]:`
    replaceChildren(this.outputs, ...renderOutputs(cellOutputs(this.cell)))
  }

  private renderMarkdown(): void {
    if (this.type !== 'markdown') return
    replaceChildren(this.body, renderMarkdown(cellSource(this.cell).toString(), cellAttachments(this.cell)))
  }
}
