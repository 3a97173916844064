/**
 * Renders a code cell's outputs (nbformat: stream, error, execute_result, display_data). Each MIME
 * bundle shows its richest type this page can show safely: HTML through the sanitizer, images as
 * data: URLs in <img>, Markdown rendered and sanitized, everything else as text.
 */
import { h } from '../dom.js'
import { renderMarkdown, sanitizeHtml } from '../sanitize.js'
import { imageDataUrl, isRecord, multiline, type Output } from './layout.js'

/** The richest first, as JupyterLab orders them. */
const MIME_ORDER = [
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/markdown',
  'text/latex',
  'application/json',
  'text/plain',
]

export function renderOutputs(outputs: readonly Output[]): HTMLElement[] {
  return outputs.map(renderOutput)
}

function renderOutput(output: Output): HTMLElement {
  switch (output.output_type) {
    case 'stream': {
      const name = output['name'] === 'stderr' ? 'stderr' : 'stdout'
      return h('pre', { className: `output output-stream ${name}` }, multiline(output['text']))
    }
    case 'error':
      return renderError(output)
    case 'execute_result':
    case 'display_data':
      return renderBundle(output['data'], output['output_type'] === 'execute_result' ? output['execution_count'] : undefined)
    default:
      return h('pre', { className: 'output output-unknown' }, `(an output of type ${String(output.output_type)} is not shown here)`)
  }
}

function renderError(output: Output): HTMLElement {
  const traceback = Array.isArray(output['traceback'])
    ? output['traceback'].filter((line): line is string => typeof line === 'string').map(stripAnsi).join('\n')
    : ''
  const summary = `${String(output['ename'] ?? 'Error')}: ${String(output['evalue'] ?? '')}`
  return h('pre', { className: 'output output-error' }, traceback || summary)
}

function renderBundle(data: unknown, count: unknown): HTMLElement {
  const wrapper = h('div', { className: 'output output-data' })
  if (typeof count === 'number') wrapper.append(h('div', { className: 'prompt out-prompt' }, `Out[${count}]:`))
  if (!isRecord(data)) return wrapper
  const mime = MIME_ORDER.find((type) => type in data && renderable(type, data[type]))
  wrapper.append(mime ? renderMime(mime, data[mime]) : h('pre', { className: 'output-text' }, '(no output this page can show)'))
  return wrapper
}

function renderable(mime: string, value: unknown): boolean {
  return !mime.startsWith('image/') || imageDataUrl(mime, value) !== undefined
}

function renderMime(mime: string, value: unknown): HTMLElement {
  if (mime === 'text/html') return h('div', { className: 'output-html' }, sanitizeHtml(multiline(value)))
  if (mime === 'text/markdown') return h('div', { className: 'output-markdown markdown' }, renderMarkdown(multiline(value)))
  if (mime === 'application/json') return h('pre', { className: 'output-text' }, JSON.stringify(value, null, 2))
  const image = imageDataUrl(mime, value)
  if (image) return h('img', { className: 'output-image', src: image, alt: 'output image' })
  return h('pre', { className: 'output-text' }, stripAnsi(multiline(value)))
}

/** Tracebacks carry terminal colour codes; the page shows them as plain text. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
}
