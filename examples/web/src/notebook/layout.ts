/**
 * Reads a Y.Doc laid out as JupyterLab's YNotebook (jupyter-ydoc): a root `cells` Y.Array of
 * Y.Map cells (`id`, `cell_type`, `source` as Y.Text, `metadata`, `execution_count`, `outputs`,
 * `attachments`) and a root `meta` Y.Map (`nbformat`, `nbformat_minor`, `metadata`). Outputs are
 * Y.Maps in recent versions (a stream's `text` a Y.Text) and plain JSON in older ones; both are read
 * as nbformat JSON. Nothing here trusts the shapes it finds: a room can hold anything.
 */
import * as Y from 'yjs'

export type CellType = 'code' | 'markdown' | 'raw'

export interface Output {
  output_type: string
  [key: string]: unknown
}

export function notebookCells(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray('cells')
}

export function isCell(value: unknown): value is Y.Map<unknown> {
  return value instanceof Y.Map
}

export function cellType(cell: Y.Map<unknown>): CellType {
  const type = cell.get('cell_type')
  return type === 'markdown' || type === 'raw' ? type : 'code'
}

/** The cell's source as a Y.Text; a source stored as a plain string is wrapped read-only. */
export function cellSource(cell: Y.Map<unknown>): Y.Text | string {
  const source = cell.get('source')
  if (source instanceof Y.Text) return source
  return multiline(source)
}

export function executionCount(cell: Y.Map<unknown>): number | null {
  const count = cell.get('execution_count')
  return typeof count === 'number' && Number.isFinite(count) ? count : null
}

export function cellOutputs(cell: Y.Map<unknown>): Output[] {
  const outputs = plain(cell.get('outputs'))
  if (!Array.isArray(outputs)) return []
  return outputs.filter((output): output is Output => isRecord(output) && typeof output['output_type'] === 'string')
}

/** `attachments` as name → data: URL, for the image types a Markdown cell may show. */
export function cellAttachments(cell: Y.Map<unknown>): Map<string, string> {
  const images = new Map<string, string>()
  const attachments = plain(cell.get('attachments'))
  if (!isRecord(attachments)) return images
  for (const [name, bundle] of Object.entries(attachments)) {
    if (!isRecord(bundle)) continue
    for (const [mime, data] of Object.entries(bundle)) {
      const url = imageDataUrl(mime, data)
      if (url) {
        images.set(name, url)
        break
      }
    }
  }
  return images
}

/** The notebook's language (`language_info.name`, else the kernelspec's), lower case. */
export function notebookLanguage(doc: Y.Doc): string | undefined {
  const metadata = plain(doc.getMap('meta').get('metadata'))
  if (!isRecord(metadata)) return undefined
  const info = metadata['language_info']
  const kernel = metadata['kernelspec']
  const name = (isRecord(info) && info['name']) || (isRecord(kernel) && kernel['language'])
  return typeof name === 'string' ? name.toLowerCase() : undefined
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const RASTER_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

/**
 * A data: URL for an image in a MIME bundle, or undefined. Raster images must be plain base64 (so
 * nothing else rides in the URL); SVG is URL-encoded and shown through <img>, where it runs no script.
 */
export function imageDataUrl(mime: string, data: unknown): string | undefined {
  const text = multiline(data)
  if (RASTER_IMAGES.has(mime)) {
    const base64 = text.replace(/\s+/g, '')
    return BASE64.test(base64) ? `data:${mime};base64,${base64}` : undefined
  }
  if (mime === 'image/svg+xml') return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`
  return undefined
}

/** nbformat stores multi-line strings as a string or a list of lines. */
export function multiline(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.filter((line) => typeof line === 'string').join('')
  if (value instanceof Y.Text) return value.toString()
  return ''
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Shared types as JSON, plain values as they are. */
function plain(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value
}
