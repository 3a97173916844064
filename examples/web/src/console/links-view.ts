/**
 * A room's share links: a form to create one (read-only or write, expiry, maximum uses, label), the
 * link with a copy button and a QR code, and every link with its status and a revoke button. A
 * code is shown only by the API's answer to its creation, so the QR codes of links made in this
 * tab are remembered here, in memory.
 */
import type { LecternApi, Link } from 'lectern/client'
import { h, replaceChildren } from '../dom.js'
import { joinLink } from '../origin.js'
import { qrCode } from './qr.js'

const EXPIRIES: Array<[string, number]> = [
  ['1 hour', 3600],
  ['1 day', 86_400],
  ['7 days', 7 * 86_400],
  ['30 days', 30 * 86_400],
]

export class LinksView {
  readonly element = h('section', { className: 'card links' })
  private readonly table = h('tbody')
  private readonly shown = h('div', { className: 'shown-link' })
  private readonly codes = new Map<string, string>()

  constructor(private readonly api: LecternApi, private readonly room: string, private readonly changed: () => void) {
    this.element.append(
      h('h2', null, 'Share links'),
      this.form(),
      this.shown,
      h('table', null, h('thead', null, h('tr', null, ...['Link', 'Scope', 'Status', 'Uses', 'Expires', ''].map((title) => h('th', null, title)))), this.table),
    )
  }

  render(links: readonly Link[]): void {
    replaceChildren(this.table, ...[...links].reverse().map((link) => this.row(link)))
    if (links.length === 0) this.table.append(h('tr', null, h('td', { colSpan: 6, className: 'empty' }, 'No links yet.')))
  }

  private form(): HTMLFormElement {
    const scope = h('select', { name: 'scope' }, h('option', { value: 'read' }, 'Read-only'), h('option', { value: 'write' }, 'Write'))
    const expires = h('select', { name: 'expires' }, ...EXPIRIES.map(([label, seconds]) => h('option', { value: String(seconds), selected: seconds === 86_400 }, label)))
    const maxUses = h('input', { type: 'number', name: 'maxUses', min: '1', placeholder: 'no limit' })
    const label = h('input', { type: 'text', name: 'label', maxLength: 200, placeholder: 'e.g. attendees' })
    const problem = h('p', { className: 'error', role: 'alert', hidden: true })
    const form = h(
      'form',
      { className: 'new-link' },
      h('label', null, 'Scope', scope),
      h('label', null, 'Expires in', expires),
      h('label', null, 'Max uses', maxUses),
      h('label', null, 'Label', label),
      h('button', { type: 'submit' }, 'Create link'),
      problem,
    )
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const uses = maxUses.value.trim() === '' ? undefined : Number(maxUses.value)
      const request = {
        scope: scope.value === 'write' ? ('write' as const) : ('read' as const),
        expiresInSeconds: Number(expires.value),
        ...(uses !== undefined ? { maxUses: uses } : {}),
        ...(label.value.trim() ? { label: label.value.trim() } : {}),
      }
      this.api.createLink(this.room, request).then(
        ({ link, code }) => {
          problem.hidden = true
          this.codes.set(link.id, code)
          this.show(link, code)
          label.value = ''
          this.changed()
        },
        (error: Error) => {
          problem.hidden = false
          problem.textContent = error.message
        },
      )
    })
    return form
  }

  private show(link: Link, code: string): void {
    const url = joinLink(code)
    const field = h('input', { type: 'text', readOnly: true, value: url, className: 'link-url', ariaLabel: 'Share link' })
    const copy = h('button', { type: 'button' }, 'Copy')
    copy.addEventListener('click', () => {
      field.select()
      void copyText(url).then((copied) => (copy.textContent = copied ? 'Copied' : 'Press Ctrl+C'))
    })
    replaceChildren(
      this.shown,
      h('h3', null, `${link.scope === 'write' ? 'Write' : 'Read-only'} link${link.label ? `: ${link.label}` : ''}`),
      h('div', { className: 'copy-row' }, field, copy),
      qrCode(url, `QR code of the ${link.scope} link`),
    )
  }

  private row(link: Link): HTMLTableRowElement {
    const code = this.codes.get(link.id)
    const actions = h('td', { className: 'actions' })
    if (code) {
      const qr = h('button', { type: 'button', className: 'secondary' }, 'Show')
      qr.addEventListener('click', () => this.show(link, code))
      actions.append(qr)
    }
    // A used-up or expired link admits nobody new, but revoking it still takes back what it gave.
    if (link.status !== 'revoked') {
      const revoke = h('button', { type: 'button', className: 'danger' }, 'Revoke')
      revoke.addEventListener('click', () => {
        revoke.disabled = true
        void this.api.revokeLink(this.room, link.id).finally(this.changed)
      })
      actions.append(revoke)
    }
    return h(
      'tr',
      { data: { link: link.id, status: link.status } },
      h('td', null, link.label ?? link.id),
      h('td', { data: { label: 'Scope' } }, link.scope),
      h('td', { data: { label: 'Status' } }, h('span', { className: `badge ${link.status}` }, link.status.replace('_', ' '))),
      h('td', { data: { label: 'Uses' } }, link.maxUses === null ? String(link.uses) : `${link.uses} / ${link.maxUses}`),
      h('td', { data: { label: 'Expires' } }, new Date(link.expiresAt).toLocaleString()),
      actions,
    )
  }
}

/**
 * Copies `text`, which the selected field shows. The Clipboard API exists only in a secure context
 * (https, or loopback): a relay served over plain http on a campus network has none, and there the
 * selection is copied the old way.
 */
async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch {
      // Refused (no permission, the page not focused): the selection is still there to copy.
    }
  }
  return document.execCommand('copy')
}
