/** Notebooks on disk and in a Y.Doc (the layout @jupyter/ydoc gives a notebook). */
import { writeFile } from 'node:fs/promises'
import * as Y from 'yjs'

export function ipynb(sources: string[]): string {
  return JSON.stringify({
    cells: sources.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  })
}

export async function writeNotebook(path: string, sources: string[]): Promise<void> {
  await writeFile(path, ipynb(sources))
}

/** The cells' sources as the room holds them. */
export function cellSources(doc: Y.Doc): string[] {
  return doc
    .getArray<Y.Map<unknown>>('cells')
    .toArray()
    .map((cell) => {
      const source = cell.get('source')
      return source instanceof Y.Text ? source.toString() : String(source ?? '')
    })
}
