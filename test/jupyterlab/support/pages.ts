/** What a person sees and does in the two JupyterLab pages of the story. */
import type { Locator, Page } from 'playwright-core'

/** The presenter's notebook (any notebook panel without a Lectern banner). */
export function presenterCells(page: Page): Locator {
  return page.locator('.jp-NotebookPanel:not(:has(.lectern-Banner)) .jp-Cell')
}

/** The attendee's live notebook. */
export function liveCells(page: Page): Locator {
  return page.locator('.jp-NotebookPanel:has(.lectern-Banner) .jp-Cell')
}

export function banner(page: Page): Locator {
  return page.locator('.lectern-Banner')
}

export function presenterDialog(page: Page): Locator {
  return page.locator('.jp-Dialog')
}

/** Clicks Present live; resolves with the attendee link once the presenter's dialog shows it. */
export async function presentLive(page: Page): Promise<{ attendeeUrl: string; code: string }> {
  await page.locator('.lectern-present').click()
  const attendeeUrl = await presenterDialog(page).locator('.lectern-attendee-link input').inputValue()
  const code = new URL(attendeeUrl).searchParams.get('lectern')
  if (!code?.startsWith('lct_share_')) throw new Error(`the attendee link ${attendeeUrl} carries no share code`)
  return { attendeeUrl, code }
}

/** The text of each cell's editor, as shown. */
export async function shownSources(cells: Locator): Promise<string[]> {
  return cells.locator('.cm-content').evaluateAll((nodes) =>
    nodes.map((node) => {
      const lines = (node as unknown as { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll('.cm-line')
      return Array.from(lines, (line) => line.textContent ?? '').join('\n')
    }),
  )
}

/** Clicks into a cell's editor, moves to the end of its text and types. */
export async function typeAtEnd(page: Page, cell: Locator, text: string): Promise<void> {
  await cell.locator('.cm-content').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

/** Waits until the cells show `expected` (each cell's source). */
export async function waitForSources(cells: Locator, expected: string[], timeout = 15_000): Promise<void> {
  const started = Date.now()
  let last: string[] = []
  while (Date.now() - started < timeout) {
    last = await shownSources(cells)
    if (JSON.stringify(last) === JSON.stringify(expected)) return
    await cells.page().waitForTimeout(50)
  }
  throw new Error(`cells show ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`)
}
