/** What a presenter does on /present, as steps for the console's browser tests. */
import type { Locator, Page } from 'playwright-core'

/** Signs in as a presenter does: the credential typed into the password field. */
export async function signInToConsole(page: Page, site: string, credential: string): Promise<void> {
  await page.goto(`${site}/present`)
  await page.locator('input[name=credential]').fill(credential)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('nav.rooms').waitFor()
}

/** Opens a room by name in the rooms card. */
export async function openRoom(desk: Page, room: string): Promise<void> {
  await desk.locator('form.open-room input[name=room]').fill(room)
  await desk.locator('form.open-room button').click()
  await desk.locator('.room-panel h2.room-title', { hasText: room }).waitFor()
}

export interface LinkForm {
  scope: 'read' | 'write'
  label: string
  maxUses?: string
  /** An option of the "Expires in" list, such as '1 hour'; the form's default when absent. */
  expires?: string
}

/** Creates a link with the form and returns the share link it shows. */
export async function createLink(desk: Page, { scope, label, maxUses = '', expires }: LinkForm): Promise<string> {
  const form = desk.locator('form.new-link')
  await form.locator('select[name=scope]').selectOption(scope)
  if (expires) await form.locator('select[name=expires]').selectOption({ label: expires })
  await form.locator('input[name=label]').fill(label)
  await form.locator('input[name=maxUses]').fill(maxUses)
  await form.getByRole('button', { name: 'Create link' }).click()
  await desk.locator('.shown-link h3', { hasText: label }).waitFor()
  await linkRow(desk, label).and(desk.locator('[data-status=active]')).waitFor()
  return desk.locator('.shown-link .link-url').inputValue()
}

export function linkRow(desk: Page, label: string): Locator {
  return desk.locator('.links tbody tr', { hasText: label })
}

export function audienceRow(desk: Page, name: string): Locator {
  return desk.locator('.audience tbody tr', { hasText: name })
}
