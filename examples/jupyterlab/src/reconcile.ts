/**
 * Before a notebook's Y.Doc is bound to a Lectern room: make sure binding cannot duplicate a cell.
 *
 * A notebook's cells are the Y.Maps of `cells`. Binding merges two documents, and Yjs keeps every
 * cell either side created: a notebook that was loaded from its file (fresh structs under this
 * page's client id) bound to a room that holds the same notebook from an earlier page would show
 * every cell twice. Cells both sides share (the same struct) never duplicate; the danger is two
 * lists of cells each unknown to the other side. Then one side wins and the loser's own cells go,
 * in the same transaction that brings the room's state in, so the notebook never shows both.
 */
import * as Y from 'yjs'

/**
 * `notebook`: presenting anew, the notebook is what the room must show (the room's old cells go).
 * `room`: resuming, the room is the truth (attendees may have edited it meanwhile; the notebook's
 * reloaded copies go).
 */
export type Winner = 'notebook' | 'room'

export interface Reconciled {
  /** Cells deleted, from the losing side's own (none when binding was safe as it was). */
  deleted: number
}

/** The origin of the reconciling transaction: not the notebook's, so Ctrl+Z does not undo it. */
export const RECONCILE_ORIGIN = Object.freeze({ lectern: 'reconcile' })

const CELLS = 'cells'
/** @jupyter/ydoc's notebook-wide entries: nbformat, nbformat_minor, metadata. */
const META = 'meta'

type StateVector = Map<number, number>

/**
 * Changes `notebook` (not yet bound) so that binding it to the room whose state `room` holds is
 * safe: afterwards, either side's cells are all known to the other, or the loser's are deleted.
 * `room` is left as it is.
 */
export function reconcile(notebook: Y.Doc, room: Y.Doc, winner: Winner): Reconciled {
  const notebookOnly = unknownCells(notebook, stateVector(room))
  const roomOnly = unknownCells(room, stateVector(notebook))
  // Presenting anew, any cell of the room's own would join the notebook: it goes. Resuming, the
  // notebook's own cells go only when the room has its own too (copies of one file); otherwise they
  // are the notebook's additions (another Jupyter collaborator's) and reach the room as they are.
  const losers = winner === 'notebook' ? roomOnly : roomOnly.length > 0 ? notebookOnly : []
  if (losers.length === 0) return { deleted: 0 }
  const winnerMeta = metaEntries((winner === 'notebook' ? notebook : room).getMap(META))
  // The room's losing cells are deleted in a copy of it, so that they reach the notebook deleted.
  const roomState = winner === 'notebook' ? withoutCells(room, losers) : room
  const update = Y.encodeStateAsUpdate(roomState, Y.encodeStateVector(notebook))
  // One transaction: the notebook goes from its cells to the winner's, never showing both. Its own
  // losing cells are deleted by index before the room's structs come in: Yjs does not update an
  // array's search markers (JupyterLab's index lookups leave some) for structs it integrates, so an
  // index is only reliable again once the transaction is over.
  Y.transact(
    notebook,
    () => {
      if (winner === 'room') deleteCells(notebook, losers)
      Y.applyUpdate(notebook, update)
    },
    RECONCILE_ORIGIN,
  )
  // Two notebooks' metadata met too: the winner's (kernelspec, nbformat) stays. A transaction of
  // its own: a remote one (applyUpdate's) that wrote under this page's client id would make Yjs
  // give the document a new one.
  Y.transact(notebook, () => overwriteMeta(notebook.getMap(META), winnerMeta), RECONCILE_ORIGIN)
  return { deleted: losers.length }
}

/** The cells of `doc` whose creating struct a peer with state vector `known` has not seen. */
export function unknownCells(doc: Y.Doc, known: StateVector): Y.ID[] {
  const unknown: Y.ID[] = []
  for (const cell of doc.getArray<unknown>(CELLS)) {
    const id = cellId(cell)
    if (id && id.clock >= (known.get(id.client) ?? 0)) unknown.push(id)
  }
  return unknown
}

function stateVector(doc: Y.Doc): StateVector {
  return Y.decodeStateVector(Y.encodeStateVector(doc))
}

/** A copy of `doc` in which the cells `ids` are deleted. */
function withoutCells(doc: Y.Doc, ids: Y.ID[]): Y.Doc {
  // No garbage collection: the deleted cells travel whole, as the room has them.
  const copy = new Y.Doc({ gc: false })
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  copy.transact(() => deleteCells(copy, ids))
  return copy
}

function deleteCells(doc: Y.Doc, ids: Y.ID[]): void {
  const doomed = new Set(ids.map(idKey))
  const cells = doc.getArray<unknown>(CELLS)
  for (let index = cells.length - 1; index >= 0; index--) {
    const id = cellId(cells.get(index))
    if (id && doomed.has(idKey(id))) cells.delete(index, 1)
  }
}

/** A cell's identity: the id of the struct that inserted its Y.Map into `cells`. */
function cellId(cell: unknown): Y.ID | undefined {
  return cell instanceof Y.Map ? (cell._item?.id ?? undefined) : undefined
}

function idKey(id: Y.ID): string {
  return `${id.client}:${id.clock}`
}

/** A notebook-wide entry, as JSON, and whether @jupyter/ydoc keeps it as a Y.Map (`metadata`). */
interface MetaEntry {
  json: unknown
  isMap: boolean
}

function metaEntries(meta: Y.Map<unknown>): Map<string, MetaEntry> {
  const entries = new Map<string, MetaEntry>()
  for (const [key, value] of meta.entries()) entries.set(key, { json: asJson(value), isMap: value instanceof Y.Map })
  return entries
}

/** Makes `meta` say what `wanted` says. */
function overwriteMeta(meta: Y.Map<unknown>, wanted: Map<string, MetaEntry>): void {
  for (const key of Array.from(meta.keys())) if (!wanted.has(key)) meta.delete(key)
  for (const [key, { json, isMap }] of wanted) {
    if (JSON.stringify(asJson(meta.get(key))) === JSON.stringify(json)) continue
    meta.set(key, isMap && isRecord(json) ? new Y.Map(Object.entries(json)) : json)
  }
}

function asJson(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
