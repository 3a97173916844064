import { PageConfig, URLExt } from '@jupyterlab/coreutils'
import type { NotebookPanel } from '@jupyterlab/notebook'
import type { YNotebook } from '@jupyter/ydoc'
import { Signal, type ISignal } from '@lumino/signaling'
import { showErrorMessage } from '@jupyterlab/apputils'
import { Presentation } from './presentation'
import { showPresenterDialog } from './present-dialog'
import type { LecternSettings } from './settings'

/** Keeps the presentation of each open notebook, and tells the toolbars when one changes. */
export class PresenterController {
  private readonly presentations = new Map<NotebookPanel, Presentation>()
  private readonly changedSignal = new Signal<this, NotebookPanel>(this)

  constructor(
    private readonly settings: () => LecternSettings,
    private readonly user: () => { name: string; color: string },
  ) {}

  get changed(): ISignal<this, NotebookPanel> {
    return this.changedSignal
  }

  presentationOf(panel: NotebookPanel): Presentation | undefined {
    const presentation = this.presentations.get(panel)
    return presentation?.live ? presentation : undefined
  }

  /** "Lectern: Present live": attach the notebook to a fresh room, then show the links. */
  async present(panel: NotebookPanel): Promise<void> {
    const existing = this.presentationOf(panel)
    if (existing) return this.manage(panel)
    await panel.context.ready
    const sharedModel = panel.context.model.sharedModel as YNotebook
    let presentation: Presentation
    try {
      presentation = await Presentation.start({
        doc: sharedModel.ydoc,
        settings: this.settings(),
        user: this.user(),
        labUrl: URLExt.join(PageConfig.getBaseUrl(), 'lab'),
      })
    } catch (error) {
      await showErrorMessage('Lectern: could not present live', describe(error))
      return
    }
    this.presentations.set(panel, presentation)
    presentation.onChange(() => this.changedSignal.emit(panel))
    // Closing the notebook (or the shared model going away) leaves the room; the links stay.
    panel.disposed.connect(() => this.forget(panel))
    sharedModel.disposed.connect(() => this.forget(panel))
    this.changedSignal.emit(panel)
    await this.manage(panel)
  }

  /** The presenter dialog again; stops the presentation if asked to. */
  async manage(panel: NotebookPanel): Promise<void> {
    const presentation = this.presentationOf(panel)
    if (!presentation) return
    if (await showPresenterDialog(presentation)) await this.stop(panel)
  }

  async stop(panel: NotebookPanel): Promise<void> {
    const presentation = this.presentations.get(panel)
    if (!presentation) return
    this.presentations.delete(panel)
    try {
      await presentation.stop()
    } catch (error) {
      await showErrorMessage('Lectern', describe(error))
    }
    this.changedSignal.emit(panel)
  }

  private forget(panel: NotebookPanel): void {
    this.presentations.get(panel)?.detach()
    this.presentations.delete(panel)
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
