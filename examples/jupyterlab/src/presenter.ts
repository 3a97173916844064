import { PageConfig, PathExt, URLExt } from '@jupyterlab/coreutils'
import type { NotebookPanel } from '@jupyterlab/notebook'
import type { YNotebook } from '@jupyter/ydoc'
import { Signal, type ISignal } from '@lumino/signaling'
import { Notification, showErrorMessage } from '@jupyterlab/apputils'
import { Presentation, PresentationEnded } from './presentation'
import { showPresenterDialog } from './present-dialog'
import type { SavedPresentation, SavedPresentations } from './saved-presentations'
import type { LecternSettings } from './settings'

/**
 * Keeps the presentation of each open notebook, and tells the toolbars when one changes. A
 * presentation outlives the page: this browser remembers it per notebook (saved-presentations.ts),
 * and opening that notebook again resumes it, until Stop.
 */
export class PresenterController {
  private readonly presentations = new Map<NotebookPanel, Presentation>()
  /** Presentations being started or resumed: a second click waits for the first. */
  private readonly starting = new Map<NotebookPanel, Promise<Failure | undefined>>()
  private readonly changedSignal = new Signal<this, NotebookPanel>(this)

  constructor(
    private readonly settings: () => LecternSettings,
    private readonly user: () => { name: string; color: string },
    private readonly saved: SavedPresentations,
  ) {}

  get changed(): ISignal<this, NotebookPanel> {
    return this.changedSignal
  }

  presentationOf(panel: NotebookPanel): Presentation | undefined {
    const presentation = this.presentations.get(panel)
    return presentation?.live ? presentation : undefined
  }

  isStarting(panel: NotebookPanel): boolean {
    return this.starting.has(panel)
  }

  /** A notebook was opened: resume the presentation this browser remembers for it, if any. */
  opened(panel: NotebookPanel): void {
    void panel.context.ready.then(() => {
      if (this.savedFor(panel)) return this.present(panel, { showDialog: false })
    })
  }

  /** "Lectern: Present live": resume this notebook's presentation, or start one; then the links. */
  async present(panel: NotebookPanel, options = { showDialog: true }): Promise<void> {
    if (this.presentationOf(panel)) return this.manage(panel)
    let starting = this.starting.get(panel)
    // Whoever started it tells what went wrong, once.
    const own = starting === undefined
    if (!starting) {
      starting = this.start(panel).finally(() => {
        this.starting.delete(panel)
        this.changedSignal.emit(panel)
      })
      this.starting.set(panel, starting)
      this.changedSignal.emit(panel)
    }
    const failure = await starting
    if (failure) {
      if (own) await this.failed(panel, failure)
    } else if (options.showDialog) await this.manage(panel)
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
    this.saved.forget(panel.context.path)
    try {
      await presentation.stop()
    } catch (error) {
      await showErrorMessage('Lectern', describe(error))
    }
    this.changedSignal.emit(panel)
  }

  /** Resolves with what went wrong, to be shown once the toolbar no longer says "Connecting…". */
  private async start(panel: NotebookPanel): Promise<Failure | undefined> {
    await panel.context.ready
    const saved = this.savedFor(panel)
    let presentation: Presentation
    try {
      presentation = await Presentation.start({
        doc: (panel.context.model.sharedModel as YNotebook).ydoc,
        settings: this.settings(),
        user: this.user(),
        labUrl: URLExt.join(PageConfig.getBaseUrl(), 'lab'),
        name: PathExt.basename(panel.context.localPath),
        saved,
      })
    } catch (error) {
      return { error, resuming: saved !== undefined }
    }
    this.register(panel, presentation)
    return undefined
  }

  private register(panel: NotebookPanel, presentation: Presentation): void {
    this.presentations.set(panel, presentation)
    this.saved.save(panel.context.path, presentation.saved)
    presentation.onChange(() => {
      // Access taken away (the grant or the room's admin revoked): nothing left to resume.
      if (presentation.endedBy === 'revoked') this.saved.forget(panel.context.path)
      this.changedSignal.emit(panel)
    })
    // Closing the notebook (or the shared model going away) leaves the room; the links stay, and
    // opening the notebook again resumes.
    panel.disposed.connect(() => this.forget(panel))
    panel.context.model.sharedModel.disposed.connect(() => this.forget(panel))
    let path = panel.context.path
    panel.context.pathChanged.connect((_, newPath) => {
      if (this.presentationOf(panel) === presentation) this.saved.move(path, newPath)
      path = newPath
    })
  }

  private async failed(panel: NotebookPanel, { error, resuming }: Failure): Promise<void> {
    if (error instanceof PresentationEnded) {
      // Ended while the presenter was away (Stop in another tab, the web console, the CLI).
      this.saved.forget(panel.context.path)
      Notification.info(`The live presentation of ${PathExt.basename(panel.context.localPath)} has ended: ${error.message} Present live starts a new one.`, { autoClose: false })
      return
    }
    await showErrorMessage(resuming ? 'Lectern: could not resume the live presentation' : 'Lectern: could not present live', describe(error))
  }

  /** The saved presentation of this notebook, if it was made for the relay configured now. */
  private savedFor(panel: NotebookPanel): SavedPresentation | undefined {
    const saved = this.saved.load(panel.context.path)
    if (!saved) return undefined
    const { relayUrl } = this.settings()
    return saved.relayUrl === relayUrl ? saved : undefined
  }

  private forget(panel: NotebookPanel): void {
    this.presentations.get(panel)?.detach()
    this.presentations.delete(panel)
  }
}

interface Failure {
  error: unknown
  resuming: boolean
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
