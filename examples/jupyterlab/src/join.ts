import { InputDialog, showErrorMessage } from '@jupyterlab/apputils'
import type { JupyterFrontEnd } from '@jupyterlab/application'
import { NotebookPanel } from '@jupyterlab/notebook'
import type { LecternDrive } from './drive'
import { Following } from './following'
import { describe } from './presenter'
import type { LecternSettings } from './settings'

export const FOLLOW_FACTORY = 'Lectern live notebook'
export const CODE_PARAMETER = 'lectern'
/** JupyterLab drops `?lectern=` from the address; a reload of the tab rejoins from here. */
const REJOIN_KEY = 'lectern:rejoin'

/** The code this page was opened for: the link's, or the one this tab followed before a reload. */
export function codeOfPage(): string | undefined {
  return new URLSearchParams(window.location.search).get(CODE_PARAMETER) ?? window.sessionStorage.getItem(REJOIN_KEY) ?? undefined
}

/** A share code, from the code itself or from a link that carries it (`…?lectern=<code>`). */
export function codeFrom(input: string): string | undefined {
  const text = input.trim()
  if (text === '') return undefined
  try {
    const fromLink = new URL(text).searchParams.get(CODE_PARAMETER)
    if (fromLink) return fromLink
  } catch {
    // not a URL: the code itself
  }
  return text
}

export async function askForCode(): Promise<string | undefined> {
  const answer = await InputDialog.getText({
    title: 'Join live',
    label: 'Paste the link or the code the presenter shared',
    placeholder: 'lct_share_…',
  })
  return answer.button.accept && answer.value ? codeFrom(answer.value) : undefined
}

/** Opens a live notebook for a share code, in a view that never starts a kernel. */
export async function joinLive(
  app: JupyterFrontEnd,
  drive: LecternDrive,
  options: { code: string; settings: LecternSettings; user: { name: string; color: string } },
): Promise<NotebookPanel | undefined> {
  const open = async (following: Following): Promise<NotebookPanel> => {
    const path = drive.add(following)
    const opening = app.commands.execute('docmanager:open', { path, factory: FOLLOW_FACTORY }) as Promise<unknown>
    const [widget] = await Promise.all([opening, following.synced()])
    if (!(widget instanceof NotebookPanel)) throw new Error('The live notebook view did not open.')
    await following.bind(widget)
    return widget
  }
  const following = new Following({ ...options, reopen: async (session) => void (await open(session)) })
  try {
    const widget = await open(following)
    window.sessionStorage.setItem(REJOIN_KEY, options.code)
    void following.whenEnded.then(() => window.sessionStorage.removeItem(REJOIN_KEY))
    return widget
  } catch (error) {
    await showErrorMessage('Lectern: could not join', describe(error))
    return undefined
  }
}
