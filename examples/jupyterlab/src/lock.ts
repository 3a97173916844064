import type { Notebook } from '@jupyterlab/notebook'
import type { IDisposable } from '@lumino/disposable'

/** Events that would change the notebook from outside a cell editor: cell drag and drop, pastes. */
const BLOCKED_WHILE_LOCKED = ['lm-dragenter', 'lm-dragover', 'lm-drop', 'drop', 'paste', 'cut']

/**
 * A notebook-wide read-only switch, which JupyterLab does not have: every cell editor is made
 * read-only (without writing the `editable` metadata into the shared model), again whenever
 * cells come and go, and drops and pastes onto the notebook are stopped before it sees them.
 * Notebook commands (insert, delete, move, run) never reach this view: it is not a tracked
 * notebook, so they are disabled while it has the focus. What slips through anyway is
 * discarded by lectern/client's read-only guard.
 */
export class NotebookLock implements IDisposable {
  private lockedValue = true
  private disposedValue = false

  constructor(private readonly notebook: Notebook) {
    notebook.model?.cells.changed.connect(this.apply, this)
    for (const type of BLOCKED_WHILE_LOCKED) notebook.node.addEventListener(type, this.block, true)
    this.apply()
  }

  get locked(): boolean {
    return this.lockedValue
  }

  set locked(value: boolean) {
    this.lockedValue = value
    this.apply()
  }

  get isDisposed(): boolean {
    return this.disposedValue
  }

  dispose(): void {
    if (this.disposedValue) return
    this.disposedValue = true
    this.notebook.model?.cells.changed.disconnect(this.apply, this)
    for (const type of BLOCKED_WHILE_LOCKED) this.notebook.node.removeEventListener(type, this.block, true)
  }

  private apply(): void {
    for (const cell of this.notebook.widgets) {
      // Order matters: with syncEditable on, readOnly would be written to the cell's metadata.
      cell.syncEditable = false
      cell.readOnly = this.lockedValue
    }
    this.notebook.node.classList.toggle('lectern-mod-locked', this.lockedValue)
  }

  private readonly block = (event: Event): void => {
    if (!this.lockedValue) return
    event.preventDefault()
    event.stopImmediatePropagation()
    const drag = event as Event & { dropAction?: string }
    if ('dropAction' in drag) drag.dropAction = 'none'
  }
}
