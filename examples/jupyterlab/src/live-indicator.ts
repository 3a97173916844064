import type { NotebookPanel } from '@jupyterlab/notebook'
import { Widget } from '@lumino/widgets'
import type { PresenterController } from './presenter'

/**
 * The notebook toolbar item: "Present live" while the notebook is not presented; a "Live"
 * indicator with the audience count, Manage and Stop while it is.
 */
export class LiveIndicator extends Widget {
  constructor(
    private readonly controller: PresenterController,
    private readonly panel: NotebookPanel,
  ) {
    super()
    this.addClass('lectern-LiveIndicator')
    controller.changed.connect(this.onChanged, this)
    this.render()
  }

  private onChanged(_: PresenterController, panel: NotebookPanel): void {
    if (panel === this.panel) this.render()
  }

  private render(): void {
    const presentation = this.controller.presentationOf(this.panel)
    if (!presentation) {
      const present = button('Present live', 'lectern-present', 'Present this notebook live', () => this.controller.present(this.panel))
      if (this.controller.isStarting(this.panel)) {
        present.textContent = 'Connecting…'
        present.disabled = true
      }
      this.node.replaceChildren(present)
      return
    }
    const badge = document.createElement('span')
    badge.className = 'lectern-live-badge'
    badge.textContent = `● Live · ${presentation.audience}`
    badge.title = `Presenting in room ${presentation.room} (${presentation.status})`
    this.node.replaceChildren(
      badge,
      button('Manage', 'lectern-manage', 'Links and audience', () => this.controller.manage(this.panel)),
      button('Stop', 'lectern-stop', 'Stop presenting: end the attendees\' sessions, keep the notebook', () => this.controller.stop(this.panel)),
    )
  }
}

function button(label: string, className: string, title: string, onClick: () => Promise<void>): HTMLButtonElement {
  const element = document.createElement('button')
  element.className = `jp-ToolbarButtonComponent lectern-button ${className}`
  element.textContent = label
  element.title = title
  element.addEventListener('click', () => void onClick())
  return element
}
