/**
 * The room's audience: everyone with a grant, by display name, with their scope and whether they
 * are connected now (the relay counts each grant's live sessions), and buttons to give write, take
 * it back, and remove a person (their sessions end at once). A grant on a prefix above the room
 * (`course-101/*`) is listed as such, without buttons: changing it here would change every room
 * under the prefix, and a grant of this room beside it would not reach the sessions it admitted.
 * The presenter's own grant has no buttons either: nobody removes themselves by a slip.
 */
import type { GrantWithSessions, LecternApi } from 'lectern/client'
import { h, replaceChildren } from '../dom.js'

export class AudienceView {
  readonly element = h('section', { className: 'card audience' })
  private readonly summary = h('p', { className: 'summary' })
  private readonly table = h('tbody')
  private readonly problem = h('p', { className: 'error', role: 'alert', hidden: true })

  constructor(
    private readonly api: LecternApi,
    private readonly room: string,
    private readonly self: string | undefined,
    private readonly changed: () => void,
  ) {
    this.element.append(
      h('h2', null, 'Audience'),
      this.summary,
      this.problem,
      h('table', null, h('thead', null, h('tr', null, ...['Name', 'Scope', 'Connected', ''].map((title) => h('th', null, title)))), this.table),
    )
  }

  render(grants: readonly GrantWithSessions[]): void {
    const connected = grants.filter((grant) => grant.sessions > 0).length
    const groups = grants.filter((grant) => grant.subject.startsWith('group:')).length
    const people = grants.length - groups
    const who = [people > 0 || groups === 0 ? count(people, 'person', 'people') : '', groups > 0 ? count(groups, 'group', 'groups') : ''].filter(Boolean).join(' and ')
    const viaPrefix = grants.filter((grant) => grant.room !== this.room).length
    this.summary.textContent = `${who} ${grants.length === 1 ? 'has' : 'have'} access${viaPrefix ? ` (${viaPrefix} through a room prefix)` : ''}, ${connected} connected now.`
    replaceChildren(this.table, ...grants.map((grant) => this.row(grant)))
  }

  private row(grant: GrantWithSessions): HTMLTableRowElement {
    const actions = h('td', { className: 'actions' })
    const inherited = grant.room !== this.room
    const own = grant.subject === this.self
    if (!inherited && !own) {
      if (grant.scope === 'read') actions.append(this.button('Give write', '', () => this.api.setGrant(this.room, grant.subject, { scope: 'write' })))
      if (grant.scope === 'write') actions.append(this.button('Take write back', '', () => this.api.setGrant(this.room, grant.subject, { scope: 'read' })))
      actions.append(this.button('Remove', 'danger', () => this.api.revokeGrant(this.room, grant.subject)))
    }
    const online = grant.sessions > 0
    return h(
      'tr',
      { data: { subject: grant.subject, scope: grant.scope, connected: String(online), ...(inherited ? { via: grant.room } : {}) } },
      h(
        'td',
        null,
        h('span', { className: 'name' }, nameOf(grant), own ? ' (you)' : ''),
        h('span', { className: 'subject' }, grant.subject),
        inherited ? h('span', { className: 'via' }, `through ${grant.room}, for every room under it`) : null,
      ),
      h('td', { data: { label: 'Scope' } }, h('span', { className: `badge ${grant.scope}` }, grant.scope)),
      h('td', { data: { label: 'Connected' } }, h('span', { className: online ? 'online' : 'offline' }, online ? `● ${grant.sessions === 1 ? 'yes' : `${grant.sessions} sessions`}` : '○ no')),
      actions,
    )
  }

  private button(label: string, className: string, action: () => Promise<unknown>): HTMLButtonElement {
    const button = h('button', { type: 'button', className }, label)
    button.addEventListener('click', () => {
      button.disabled = true
      action().then(
        () => {
          this.problem.hidden = true
          this.changed()
        },
        (error: Error) => {
          this.problem.hidden = false
          this.problem.textContent = error.message
          this.changed()
        },
      )
    })
    return button
  }
}

/** The name a guest gave, else who the grant names: a user, a group, or a guest who gave none. */
function nameOf({ displayName, subject }: GrantWithSessions): string {
  if (displayName) return displayName
  if (subject.startsWith('group:')) return `Group ${subject.slice('group:'.length)}`
  if (subject.startsWith('user:anon-')) return 'Anonymous guest'
  return subject.slice('user:'.length)
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}
