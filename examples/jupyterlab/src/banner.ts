import { Widget } from '@lumino/widgets'

export type BannerState =
  | { kind: 'connecting' }
  | { kind: 'following'; presenter: string }
  | { kind: 'writing'; presenter: string }
  | { kind: 'offline'; presenter: string }
  | { kind: 'ended' }

/** The line above an attendee's live notebook that says what the view is doing. */
export class Banner extends Widget {
  constructor() {
    super()
    this.addClass('lectern-Banner')
    this.display({ kind: 'connecting' })
  }

  display(state: BannerState): void {
    this.node.dataset['state'] = state.kind
    this.node.textContent = bannerText(state)
  }
}

export function bannerText(state: BannerState): string {
  switch (state.kind) {
    case 'connecting':
      return 'Joining the live notebook…'
    case 'following':
      return `Following ${state.presenter} (read-only)`
    case 'writing':
      return `Following ${state.presenter}: you can edit, and your edits reach everyone`
    case 'offline':
      return `Following ${state.presenter}: connection lost, reconnecting…`
    case 'ended':
      return 'The presenter ended this session'
  }
}
