/**
 * What a presenter's JupyterLab puts in a room, written by a plain Node y-websocket client: a
 * notebook in the YNotebook layout (jupyter-ydoc) or a file in the YFile layout.
 */
import * as Y from 'yjs'
import { connectClient, waitSynced, type TestClient, type TestRelay } from '../support/relay-fixture.js'

export interface CellInput {
  cell_type: 'code' | 'markdown' | 'raw'
  source: string
  execution_count?: number | null
  outputs?: Array<Record<string, unknown>>
}

/** A write session as presenter `name`, announced in awareness as JupyterLab does. */
export async function presenterClient(relay: TestRelay, room: string, name: string): Promise<TestClient> {
  const client = connectClient('v3', relay.url, room, await relay.mint(room, 'write', { sub: `user:${name.toLowerCase()}` }))
  client.provider.awareness.setLocalStateField('user', { username: name.toLowerCase(), name, display_name: name, color: '#1864ab' })
  await waitSynced(client)
  return client
}

export function writeNotebook(doc: Y.Doc, cells: readonly CellInput[]): void {
  doc.transact(() => {
    const meta = doc.getMap('meta')
    meta.set('nbformat', 4)
    meta.set('nbformat_minor', 5)
    meta.set('metadata', new Y.Map(Object.entries({ language_info: { name: 'python' }, kernelspec: { name: 'python3', language: 'python' } })))
    doc.getArray('cells').push(cells.map(cellMap))
  })
}

export function cellMap(input: CellInput): Y.Map<unknown> {
  const cell = new Y.Map<unknown>()
  cell.set('id', Math.random().toString(36).slice(2))
  cell.set('cell_type', input.cell_type)
  cell.set('source', new Y.Text(input.source))
  cell.set('metadata', new Y.Map())
  if (input.cell_type === 'code') {
    cell.set('execution_count', input.execution_count ?? null)
    const outputs = new Y.Array<Y.Map<unknown>>()
    outputs.push((input.outputs ?? []).map(outputMap))
    cell.set('outputs', outputs)
  }
  return cell
}

/** As recent jupyter-ydoc stores them: a Y.Map per output, a stream's text as Y.Text. */
function outputMap(output: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  for (const [key, value] of Object.entries(output)) {
    map.set(key, output['output_type'] === 'stream' && key === 'text' ? new Y.Text(String(value)) : value)
  }
  return map
}

export function cellSource(doc: Y.Doc, index: number): Y.Text {
  return (doc.getArray('cells').get(index) as Y.Map<unknown>).get('source') as Y.Text
}

/** An 8×8 orange PNG, as a kernel would send it. */
export const ORANGE_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGO46cGPFTEMLQkA5PtMAU0DncYAAAAASUVORK5CYII='
