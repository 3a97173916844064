/**
 * Everything that comes from a room is untrusted. Markdown cells and HTML outputs pass through
 * DOMPurify and come back as DOM nodes, never as a string to assign; the pages' CSP (no inline
 * script, Trusted Types) is the second line if anything slipped through.
 */
import DOMPurify from 'dompurify'
import { marked } from 'marked'

/** Attachments of the markdown cell being sanitized: `attachment:NAME` images resolve to them. */
let attachmentImages: ReadonlyMap<string, string> = new Map()

const FORBIDDEN_TAGS = [
  // <style> could restyle the page and leak through selectors; forms, frames and embeds have no place in output.
  'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'select', 'textarea', 'iframe', 'frame', 'object', 'embed',
]

DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName === 'src' && data.attrValue.startsWith('attachment:')) {
    data.attrValue = attachmentImages.get(data.attrValue.slice('attachment:'.length)) ?? ''
  }
})

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  // Links from a room open elsewhere and tell the target nothing about this page.
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank')
    node.setAttribute('rel', 'noopener noreferrer nofollow')
  }
})

/** Sanitized nodes for untrusted HTML. */
export function sanitizeHtml(html: string): DocumentFragment {
  return DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: FORBIDDEN_TAGS,
    ALLOW_DATA_ATTR: false,
    // Ids and names from a room must not clobber the page's globals.
    SANITIZE_NAMED_PROPS: true,
  })
}

/**
 * Renders untrusted Markdown (GitHub flavour, as JupyterLab does) to sanitized nodes. `attachments`
 * maps a cell attachment's name to a data: URL for `![](attachment:NAME)` images.
 */
export function renderMarkdown(markdown: string, attachments: ReadonlyMap<string, string> = new Map()): DocumentFragment {
  const html = marked.parse(markdown, { async: false, gfm: true })
  attachmentImages = attachments
  try {
    return sanitizeHtml(html)
  } finally {
    attachmentImages = new Map()
  }
}
