/// <reference lib="dom" />
/**
 * Whether a page fits a phone's screen: laid out at the phone's width, nothing past its right edge
 * except inside a box that scrolls sideways, body text at 16 px and none under 12 px.
 */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

interface Layout {
  viewportWidth: number
  pageWidth: number
  bodyFontPx: number
  /** The smallest font size of any element that shows text of its own. */
  smallestTextPx: number
  /** Elements that run past the viewport's right edge, other than inside a box that scrolls sideways. */
  spilling: string[]
}

function layoutOf(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const viewportWidth = document.documentElement.clientWidth
    // Clipped content (overflow hidden, paint containment) is lost to the reader; scrolled content is not.
    const insideScroller = (element: HTMLElement) => {
      for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
        const scrolls = /^(auto|scroll)$/.test(getComputedStyle(box).overflowX)
        if (scrolls && box.getBoundingClientRect().right <= viewportWidth + 0.5) return true
      }
      return false
    }
    let smallestTextPx = Infinity
    const spilling: string[] = []
    for (const element of document.querySelectorAll<HTMLElement>('body *')) {
      const ownText = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== '')
      if (ownText && element.getClientRects().length > 0) smallestTextPx = Math.min(smallestTextPx, parseFloat(getComputedStyle(element).fontSize))
      if (element.getBoundingClientRect().right > viewportWidth + 0.5 && !insideScroller(element)) spilling.push(`${element.tagName.toLowerCase()}.${element.className}`)
    }
    return {
      viewportWidth,
      pageWidth: document.documentElement.scrollWidth,
      bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize),
      smallestTextPx,
      spilling,
    }
  })
}

export async function expectFitsThePhone(page: Page): Promise<void> {
  const layout = await layoutOf(page)
  // 390 CSS pixels: the page honours the phone's width (without its viewport meta a phone lays it out at 980).
  expect(layout.viewportWidth).toBe(390)
  expect(layout.pageWidth).toBe(390)
  expect(layout.spilling).toEqual([])
  expect(layout.bodyFontPx).toBeGreaterThanOrEqual(16)
  expect(layout.smallestTextPx).toBeGreaterThanOrEqual(12)
  // And sideways scrolling really does nothing.
  await page.evaluate(() => window.scrollTo(500, 0))
  await expect(page.evaluate(() => window.scrollX)).resolves.toBe(0)
}
