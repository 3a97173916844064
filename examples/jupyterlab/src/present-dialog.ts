import { Dialog, showDialog } from '@jupyterlab/apputils'
import { Widget } from '@lumino/widgets'
import QRCode from 'qrcode'
import type { Presentation, ShareLink } from './presentation'

/** The body of the presenter's dialog: both links (copyable), a QR code, the live audience. */
class PresenterPanel extends Widget {
  private readonly audience = document.createElement('p')
  private readonly unsubscribe: () => void

  constructor(private readonly presentation: Presentation) {
    super()
    this.addClass('lectern-PresenterPanel')
    const qr = document.createElement('img')
    qr.className = 'lectern-qr'
    qr.alt = 'QR code of the attendee link'
    void QRCode.toDataURL(presentation.attendeeLink.url, { margin: 1, width: 176 }).then((src) => (qr.src = src))
    this.audience.className = 'lectern-audience'
    this.node.append(
      linkRow('Attendee link (read-only)', 'lectern-attendee-link', presentation.attendeeLink),
      qr,
      linkRow('Co-presenter link (can edit, one use)', 'lectern-copresenter-link', presentation.coPresenterLink),
      this.audience,
    )
    this.unsubscribe = presentation.onChange(() => this.render())
    this.render()
  }

  override dispose(): void {
    this.unsubscribe()
    super.dispose()
  }

  private render(): void {
    const count = this.presentation.audience
    const state = this.presentation.live ? `room ${this.presentation.room}, ${this.presentation.status}` : 'stopped'
    this.audience.textContent = `${count} ${count === 1 ? 'attendee' : 'attendees'} watching (${state})`
  }
}

function linkRow(label: string, className: string, link: ShareLink): HTMLElement {
  const row = document.createElement('div')
  row.className = `lectern-link ${className}`
  const title = document.createElement('label')
  title.textContent = label
  const input = document.createElement('input')
  input.readOnly = true
  input.value = link.url
  input.addEventListener('focus', () => input.select())
  const copy = document.createElement('button')
  copy.className = 'jp-mod-styled'
  copy.textContent = 'Copy'
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(link.url).then(() => (copy.textContent = 'Copied'))
  })
  const code = document.createElement('small')
  code.textContent = `or paste the code in "Lectern: Join live": ${link.code}`
  row.append(title, input, copy, code)
  return row
}

/** Shows the dialog; resolves true when the presenter chose to stop presenting. */
export async function showPresenterDialog(presentation: Presentation): Promise<boolean> {
  const result = await showDialog({
    title: 'Presenting live',
    body: new PresenterPanel(presentation),
    buttons: [Dialog.warnButton({ label: 'Stop presenting' }), Dialog.okButton({ label: 'Close' })],
    defaultButton: 1,
  })
  return result.button.label === 'Stop presenting'
}
