/**
 * Applies a checked update to a room's document and returns what it changed there, which is what
 * receivers and the store get.
 *
 * Asking Yjs for the change (its `update` event) costs time proportional to the document when the
 * writer types at the end of a long text: Yjs slices the merged string of the struct being
 * continued, which flattens it. So a fresh update (see update-check.ts: the room integrates all of
 * it, as sent) is its own change, and only an update that overlaps what the room has (a
 * reconnecting client's step 2, a forged reuse of known ids) is re-encoded by Yjs.
 */
import * as Y from 'yjs'

/** Applying threw; `changedRoom` says whether the document was changed before it did. */
export class IntegrationError extends Error {
  override readonly name = 'IntegrationError'

  constructor(
    readonly changedRoom: boolean,
    options: { cause: unknown },
  ) {
    super('update failed while being integrated', options)
  }
}

/** Returns what `update` changed in `doc` (null: nothing), or throws IntegrationError. */
export function integrateUpdate(doc: Y.Doc, update: Uint8Array, fresh: boolean, origin: unknown): Uint8Array | null {
  return fresh ? integrateFresh(doc, update, origin) : integrateOverlapping(doc, update, origin)
}

function integrateFresh(doc: Y.Doc, update: Uint8Array, origin: unknown): Uint8Array {
  let changed = false
  const observe = (transaction: Y.Transaction) => {
    changed = transaction.deleteSet.clients.size > 0 || stateMoved(transaction)
  }
  doc.on('afterTransaction', observe)
  try {
    Y.applyUpdate(doc, update, origin)
  } catch (error) {
    throw new IntegrationError(changed, { cause: error })
  } finally {
    doc.off('afterTransaction', observe)
  }
  return update
}

function integrateOverlapping(doc: Y.Doc, update: Uint8Array, origin: unknown): Uint8Array | null {
  let changes: Uint8Array | null = null
  const capture = (encoded: Uint8Array) => {
    changes = encoded
  }
  doc.on('update', capture)
  try {
    Y.applyUpdate(doc, update, origin)
  } catch (error) {
    throw new IntegrationError(changes !== null, { cause: error })
  } finally {
    doc.off('update', capture)
  }
  return changes
}

function stateMoved(transaction: Y.Transaction): boolean {
  for (const [client, clock] of transaction.afterState) {
    if (transaction.beforeState.get(client) !== clock) return true
  }
  return false
}
