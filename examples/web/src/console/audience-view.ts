/**
 * The room's audience: everyone with a grant, by display name, with their scope and whether they
 * are connected now (the relay counts each grant's live sessions), and buttons to give write, take
 * it back, and remove a person (their sessions end at once).
 */
import type { GrantWithSessions, LecternApi } from 'lectern/client'
import { h, replaceChildren } from '../dom.js'

export class AudienceView {
  readonly element = h('section', { className: 'card audience' })
  private readonly summary = h('p', { className: 'summary' })
  private readonly table = h('tbody')
  private readonly problem = h('p', { className: 'error', role: 'alert', hidden: true })

  constructor(private readonly api: LecternApi, private readonly room: string, private readonly changed: () => void) {
    this.element.append(
      h('h2', null, 'Audience'),
      this.summary,
      this.problem,
      h('table', null, h('thead', null, h('tr', null, ...['Name', 'Scope', 'Connected', ''].map((title) => h('th', null, title)))), this.table),
    )
  }

  render(grants: readonly GrantWithSessions[]): void {
    const connected = grants.filter((grant) => grant.sessions > 0).length
    this.summary.textContent = `${grants.length} ${grants.length === 1 ? 'person has' : 'people have'} access, ${connected} connected now.`
    replaceChildren(this.table, ...grants.map((grant) => this.row(grant)))
  }

  private row(grant: GrantWithSessions): HTMLTableRowElement {
    const actions = h('td', { className: 'actions' })
    if (grant.scope === 'read') actions.append(this.button('Give write', '', () => this.api.setGrant(this.room, grant.subject, { scope: 'write' })))
    if (grant.scope === 'write') actions.append(this.button('Take write back', '', () => this.api.setGrant(this.room, grant.subject, { scope: 'read' })))
    actions.append(this.button('Remove', 'danger', () => this.api.revokeGrant(this.room, grant.subject)))
    const online = grant.sessions > 0
    return h(
      'tr',
      { data: { subject: grant.subject, scope: grant.scope, connected: String(online) } },
      h('td', null, h('span', { className: 'name' }, grant.displayName ?? 'Anonymous guest'), h('span', { className: 'subject' }, grant.subject)),
      h('td', null, h('span', { className: `badge ${grant.scope}` }, grant.scope)),
      h('td', null, h('span', { className: online ? 'online' : 'offline' }, online ? `● ${grant.sessions === 1 ? 'yes' : `${grant.sessions} sessions`}` : '○ no')),
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
