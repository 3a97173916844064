/**
 * The JupyterLab extension's reconcile step (examples/jupyterlab/src/reconcile.ts), in Node with
 * Yjs only: a notebook's Y.Doc bound to a room that already holds a notebook never shows a cell
 * twice, whichever side wins.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { reconcile } from '../../examples/jupyterlab/src/reconcile.js'
import { cellSources } from './support/notebook.js'

/** A notebook as @jupyter/ydoc lays it out, as one page (one client id) creates it from a file. */
function loadedNotebook(sources: string[], kernel = 'python3'): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    const meta = doc.getMap('meta')
    meta.set('nbformat', 4)
    meta.set('metadata', new Y.Map(Object.entries({ kernelspec: { name: kernel } })))
    doc.getArray('cells').push(sources.map(cell))
  })
  return doc
}

function cell(source: string): Y.Map<unknown> {
  return new Y.Map<unknown>([
    ['cell_type', 'code'],
    ['source', new Y.Text(source)],
    ['metadata', new Y.Map()],
  ])
}

/** Another page's copy of `doc`: the same structs (as jupyter-collaboration gives a reload). */
function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

/** What binding does: each side gets what it lacks of the other. */
function bind(notebook: Y.Doc, room: Y.Doc): void {
  Y.applyUpdate(room, Y.encodeStateAsUpdate(notebook, Y.encodeStateVector(room)))
  Y.applyUpdate(notebook, Y.encodeStateAsUpdate(room, Y.encodeStateVector(notebook)))
}

function sourceOf(doc: Y.Doc, index: number): Y.Text {
  return (doc.getArray<Y.Map<unknown>>('cells').get(index)).get('source') as Y.Text
}

function kernelOf(doc: Y.Doc): unknown {
  return (doc.getMap('meta').get('metadata') as Y.Map<{ name: string }>).get('kernelspec')
}

describe('reconcile', () => {
  it('binding a notebook to an empty room is safe as it is', () => {
    const notebook = loadedNotebook(['x = 1', 'print(x)'])
    const room = new Y.Doc()
    expect(reconcile(notebook, room, 'notebook')).toEqual({ deleted: 0 })
    bind(notebook, room)
    expect(cellSources(room)).toEqual(['x = 1', 'print(x)'])
  })

  it('resuming from a file reloaded with fresh structs: the room wins, attendee edits included, each cell once', () => {
    const room = loadedNotebook(['x = 1', 'print(x)'])
    sourceOf(room, 1).insert(8, ' # attendee')
    room.getArray('cells').push([cell('y = 2')])
    const notebook = loadedNotebook(['x = 1', 'print(x)'], 'python3-file')
    // JupyterLab reads cells by index all the time, which leaves Yjs search markers in the array.
    expect(cellSources(notebook)[1]).toBe((notebook.getArray<Y.Map<unknown>>('cells').get(1).get('source') as Y.Text).toString())
    const clientId = notebook.clientID
    const changes: number[] = []
    notebook.getArray('cells').observe(() => changes.push(notebook.getArray('cells').length))

    expect(reconcile(notebook, room, 'room')).toEqual({ deleted: 2 })
    // One transaction: the notebook went from its two cells to the room's three, never five.
    expect(changes).toEqual([3])
    expect(notebook.clientID).toBe(clientId)
    bind(notebook, room)
    expect(cellSources(notebook)).toEqual(['x = 1', 'print(x) # attendee', 'y = 2'])
    expect(cellSources(room)).toEqual(cellSources(notebook))
    // Index-based edits afterwards land where they are aimed.
    notebook.getArray('cells').insert(2, [cell('inserted')])
    expect(cellSources(notebook)).toEqual(['x = 1', 'print(x) # attendee', 'inserted', 'y = 2'])
    expect(kernelOf(notebook)).toEqual({ name: 'python3' })
    expect(kernelOf(room)).toEqual({ name: 'python3' })
  })

  it('presenting anew into a room that holds another notebook: the notebook wins, with its metadata', () => {
    const room = loadedNotebook(['old 1', 'old 2', 'old 3'], 'julia')
    const notebook = loadedNotebook(['new 1'])
    const changes: number[] = []
    notebook.getArray('cells').observe(() => changes.push(notebook.getArray('cells').length))

    expect(reconcile(notebook, room, 'notebook')).toEqual({ deleted: 3 })
    // The old cells came and went in one transaction: the notebook never showed them.
    expect(changes).toEqual([1])
    expect(cellSources(room)).toEqual(['old 1', 'old 2', 'old 3'])
    bind(notebook, room)
    expect(cellSources(notebook)).toEqual(['new 1'])
    expect(cellSources(room)).toEqual(['new 1'])
    expect(kernelOf(room)).toEqual({ name: 'python3' })
  })

  it('a room holding this notebook\'s own structs (jupyter-collaboration) merges as it is, either side ahead', () => {
    const room = loadedNotebook(['x = 1', 'print(x)'])
    const notebook = copyOf(room)
    sourceOf(room, 0).insert(5, '0')
    room.getArray('cells').push([cell('# from an attendee')])
    expect(reconcile(notebook, room, 'room')).toEqual({ deleted: 0 })
    bind(notebook, room)
    expect(cellSources(notebook)).toEqual(['x = 10', 'print(x)', '# from an attendee'])

    // Ahead on the notebook's side: a cell added in the Jupyter room while the presenter was away.
    notebook.getArray('cells').insert(0, [cell('# from a Jupyter collaborator')])
    expect(reconcile(notebook, room, 'room')).toEqual({ deleted: 0 })
    bind(notebook, room)
    expect(cellSources(room)).toEqual(['# from a Jupyter collaborator', 'x = 10', 'print(x)', '# from an attendee'])
  })

  it('presenting anew keeps the cells both sides share and drops only the room\'s own', () => {
    const notebook = loadedNotebook(['shared'])
    const room = copyOf(notebook)
    room.getArray('cells').push([cell('left over')])
    expect(reconcile(notebook, room, 'notebook')).toEqual({ deleted: 1 })
    bind(notebook, room)
    expect(cellSources(room)).toEqual(['shared'])
  })
})
