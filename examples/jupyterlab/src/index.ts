import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application'
import { ICommandPalette } from '@jupyterlab/apputils'
import { PageConfig } from '@jupyterlab/coreutils'
import { INotebookTracker, INotebookWidgetFactory, NotebookPanel, NotebookWidgetFactory } from '@jupyterlab/notebook'
import { ISettingRegistry } from '@jupyterlab/settingregistry'
import { LecternDrive } from './drive'
import { askForCode, codeOfPage, FOLLOW_FACTORY, joinLive } from './join'
import { LiveIndicator } from './live-indicator'
import { PresenterController } from './presenter'
import { SavedPresentations } from './saved-presentations'
import { readSettings } from './settings'

const PLUGIN_ID = 'lectern-jupyterlab:plugin'

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Present a notebook live through a Lectern relay; follow one read-only from a link.',
  autoStart: true,
  requires: [ISettingRegistry, INotebookTracker, INotebookWidgetFactory],
  optional: [ICommandPalette],
  activate: async (
    app: JupyterFrontEnd,
    registry: ISettingRegistry,
    tracker: INotebookTracker,
    notebookFactory: NotebookWidgetFactory.IFactory,
    palette: ICommandPalette | null,
  ) => {
    const settingsObject = await registry.load(PLUGIN_ID)
    const settings = () => readSettings(settingsObject)
    const user = () => {
      const identity = app.serviceManager.user.identity
      return { name: identity?.display_name || identity?.name || 'A presenter', color: identity?.color ?? '#1976d2' }
    }

    const controller = new PresenterController(settings, user, new SavedPresentations(PageConfig.getBaseUrl()))
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel: NotebookPanel) => {
        const indicator = new LiveIndicator(controller, panel)
        panel.toolbar.insertItem(10, 'lecternLive', indicator)
        controller.opened(panel)
        return indicator
      },
    })

    const drive = new LecternDrive(app.serviceManager.serverSettings)
    app.serviceManager.contents.addDrive(drive)
    app.docRegistry.addWidgetFactory(followFactory(notebookFactory))

    app.commands.addCommand('lectern:present', {
      label: 'Lectern: Present live',
      caption: 'Attach this notebook to a Lectern room and share a read-only link',
      isEnabled: () => tracker.currentWidget !== null,
      execute: async () => {
        const panel = tracker.currentWidget
        if (panel) await controller.present(panel)
      },
    })
    app.commands.addCommand('lectern:join', {
      label: 'Lectern: Join live',
      caption: 'Follow a notebook someone presents, from their link or code',
      execute: async (args) => {
        const code = typeof args['code'] === 'string' ? args['code'] : await askForCode()
        if (code) return joinLive(app, drive, { code, settings: settings(), user: user() })
      },
    })
    palette?.addItem({ command: 'lectern:present', category: 'Lectern' })
    palette?.addItem({ command: 'lectern:join', category: 'Lectern' })

    // `<lab-url>?lectern=<code>` opens the live notebook once JupyterLab has restored its layout.
    const code = codeOfPage()
    if (code) void app.restored.then(() => app.commands.execute('lectern:join', { code }))
  },
}

/**
 * The attendee's view: the notebook widget JupyterLab uses, minus the kernel (never started,
 * never offered) and minus the toolbar and cell toolbars that the default factory gets.
 */
function followFactory(notebookFactory: NotebookWidgetFactory.IFactory): NotebookWidgetFactory {
  if (!(notebookFactory instanceof NotebookWidgetFactory)) throw new Error('Lectern needs JupyterLab\'s notebook widget factory.')
  return new NotebookWidgetFactory({
    name: FOLLOW_FACTORY,
    label: 'Live notebook (Lectern)',
    fileTypes: ['notebook'],
    modelName: 'notebook',
    preferKernel: false,
    canStartKernel: false,
    rendermime: notebookFactory.rendermime,
    contentFactory: notebookFactory.contentFactory,
    mimeTypeService: notebookFactory.mimeTypeService,
    editorConfig: notebookFactory.editorConfig,
    notebookConfig: { ...notebookFactory.notebookConfig, windowingMode: 'none' },
  })
}

export default plugin
