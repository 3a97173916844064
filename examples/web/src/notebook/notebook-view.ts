/**
 * A live notebook: one CellView per cell of the room's `cells` array, kept in the array's order as
 * cells are added, removed and moved (JupyterLab moves a cell by deleting and re-inserting it).
 */
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { coalesce, h } from '../dom.js'
import { CellView, type CellContext } from './cell-view.js'
import { isCell, notebookCells, notebookLanguage } from './layout.js'

export class NotebookView {
  readonly element = h('section', { className: 'notebook' })
  private readonly cells: Y.Array<unknown>
  private readonly views = new Map<Y.Map<unknown>, CellView>()
  private readonly context: CellContext
  private readonly sync = coalesce(() => this.reconcile())

  constructor(private readonly doc: Y.Doc, awareness: Awareness) {
    this.cells = notebookCells(doc)
    this.context = { language: notebookLanguage(doc) ?? 'python', awareness, editable: false }
    this.cells.observe(this.sync)
    this.reconcile()
  }

  setEditable(editable: boolean): void {
    this.context.editable = editable
    for (const view of this.views.values()) view.setEditable(editable)
  }

  destroy(): void {
    this.cells.unobserve(this.sync)
    for (const view of this.views.values()) view.destroy()
    this.views.clear()
  }

  private reconcile(): void {
    this.context.language = notebookLanguage(this.doc) ?? this.context.language
    const current = this.cells.toArray().filter(isCell)
    const keep = new Set(current)
    for (const [cell, view] of this.views) {
      if (!keep.has(cell)) {
        view.destroy()
        this.views.delete(cell)
      }
    }
    // Walk the cells in order, moving each view into place only if it is not there already.
    let expected: ChildNode | null = this.element.firstChild
    for (const cell of current) {
      const view = this.views.get(cell) ?? this.create(cell)
      if (view.element === expected) expected = expected.nextSibling
      else this.element.insertBefore(view.element, expected)
    }
    this.element.classList.toggle('empty', current.length === 0)
  }

  private create(cell: Y.Map<unknown>): CellView {
    const view = new CellView(cell, this.context, () => {
      view.destroy()
      this.views.delete(cell)
      this.sync()
    })
    this.views.set(cell, view)
    return view
  }
}
