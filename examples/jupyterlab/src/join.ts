import { InputDialog, showErrorMessage } from '@jupyterlab/apputils'
import type { JupyterFrontEnd } from '@jupyterlab/application'
import { NotebookPanel } from '@jupyterlab/notebook'
import type { LecternDrive } from './drive'
import { Following } from './following'
import { describe } from './presenter'
import type { LecternSettings } from './settings'

export const FOLLOW_FACTORY = 'Lectern live notebook'
export const CODE_PARAMETER = 'lectern'

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
  const following = new Following(options)
  const path = drive.add(following)
  const opening = app.commands.execute('docmanager:open', { path, factory: FOLLOW_FACTORY }) as Promise<unknown>
  try {
    const [widget] = await Promise.all([opening, following.synced()])
    if (!(widget instanceof NotebookPanel)) throw new Error('The live notebook view did not open.')
    await following.bind(widget)
    return widget
  } catch (error) {
    await showErrorMessage('Lectern: could not join', describe(error))
    return undefined
  }
}
