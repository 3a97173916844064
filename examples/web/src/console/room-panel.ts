/**
 * One room in the console: its links and its audience, kept current by polling the API twice a
 * second while the tab is visible (and at once after every change made here), so redeems, joins
 * and leaves show up within a second without reloading: a change waits at most one interval for
 * the next poll, plus the poll itself (two small reads).
 */
import { LecternApiError, type Caller, type GrantWithSessions, type LecternApi, type Link } from 'lectern/client'
import { h } from '../dom.js'
import { roomPagePath } from '../origin.js'
import { AudienceView } from './audience-view.js'
import { LinksView } from './links-view.js'

/** From the start of one poll to the start of the next. */
const POLL_MS = 500

export class RoomPanel {
  readonly element: HTMLElement
  private readonly links: LinksView
  private readonly audience: AudienceView
  private readonly problem = h('p', { className: 'error', role: 'alert', hidden: true })
  private timer: ReturnType<typeof setTimeout> | undefined
  private lastSeen = ''
  private closed = false
  private inFlight = false
  private again = false
  private readonly onVisibility = () => this.refresh()

  /**
   * `label`: what the presenter called the room; `caller`: who is signed in (the audience marks
   * their own grant); `refused`: called when the API no longer accepts the credential (an identity
   * token expires).
   */
  constructor(
    private readonly api: LecternApi,
    readonly room: string,
    label: string | undefined,
    caller: Caller,
    private readonly refused: () => void,
  ) {
    const refresh = () => this.refresh()
    this.links = new LinksView(api, room, refresh)
    this.audience = new AudienceView(api, room, caller.subject, refresh)
    this.element = h(
      'div',
      { className: 'room-panel', data: { room } },
      h('h2', { className: 'room-title' }, label ? h('span', { className: 'room-label' }, label) : null, h('span', { className: 'room-name' }, room)),
      viewerHint(room, caller),
      this.problem,
      this.links.element,
      this.audience.element,
    )
    document.addEventListener('visibilitychange', this.onVisibility)
    this.refresh()
  }

  close(): void {
    this.closed = true
    clearTimeout(this.timer)
    document.removeEventListener('visibilitychange', this.onVisibility)
    this.element.remove()
  }

  private refresh(): void {
    // One request at a time: a change made while a poll is out asks for one more right after it.
    if (this.inFlight) {
      this.again = true
      return
    }
    clearTimeout(this.timer)
    if (this.closed || document.visibilityState === 'hidden') return
    this.inFlight = true
    const started = performance.now()
    Promise.all([this.api.listLinks(this.room), this.api.listGrants(this.room)]).then(
      ([links, grants]) => this.show(links, grants),
      (error: Error) => {
        if (error instanceof LecternApiError && error.status === 401) {
          this.close()
          return this.refused()
        }
        this.problem.hidden = false
        this.problem.textContent = `Could not load the room: ${error.message}`
      },
    ).finally(() => {
      this.inFlight = false
      if (this.closed) return
      if (this.again) {
        this.again = false
        this.refresh()
      } else {
        this.timer = setTimeout(() => this.refresh(), Math.max(0, started + POLL_MS - performance.now()))
      }
    })
  }

  private show(links: Link[], grants: GrantWithSessions[]): void {
    this.problem.hidden = true
    // Rebuild the tables only when something changed, so a button is not swapped under the pointer.
    const seen = JSON.stringify([links, grants])
    if (seen === this.lastSeen) return
    this.lastSeen = seen
    this.links.render(links)
    this.audience.render(grants)
  }
}

/**
 * Where the presenter can watch the room. The server admin key holds no grants, so the viewer would
 * find no access with it: a share link of the room is the way in then, not a link that leads nowhere.
 */
function viewerHint(room: string, caller: Caller): HTMLElement {
  if (caller.kind === 'admin') {
    return h('p', { className: 'hint viewer-hint' }, 'To watch the room in the viewer, open a share link of it (a write link to edit): the server admin key holds no grants on rooms.')
  }
  // 'opener': the new tab starts with a copy of this tab's session storage, so the viewer finds
  // the credential signed in here (target=_blank alone implies noopener, which copies nothing).
  const viewer = h('a', { className: 'open-viewer', href: roomPagePath(room), target: '_blank', rel: 'opener' }, 'Open the viewer')
  return h('p', { className: 'hint viewer-hint' }, viewer, ' in a new tab to watch the room (or, with write or admin access, edit a text document in it), as anyone with access can.')
}
