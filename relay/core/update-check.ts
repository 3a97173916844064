/**
 * Reads a whole Yjs update before it may touch a room's document.
 *
 * `Y.applyUpdate` integrates an update's structs before it reads its delete set, so an update whose
 * delete set is cut off would change the room and then throw. Yjs also preallocates an array as
 * long as the struct count an update declares. So the relay first decodes the update completely
 * with Yjs's own lazy reader (structs one by one, then the delete set), counting structs and delete
 * ranges as it goes and giving up as soon as the count passes the bound: what is applied afterwards
 * was readable to its last byte, and its cost is known.
 */
import * as Y from 'yjs'
import type { DecodedStructs } from './struct-merge.js'

/**
 * `missing-dependencies`: the update builds on changes the room has not received (yet). Honest
 * clients send this too when they got those changes another way (a BroadcastChannel between tabs,
 * a second provider); the room asks such a sender for a sync step 2, which brings both.
 */
export type UpdateRefusal = 'malformed' | 'too-many-structs' | 'missing-dependencies'

export class RefusedUpdateError extends Error {
  override readonly name = 'RefusedUpdateError'

  constructor(
    readonly refusal: UpdateRefusal,
    /** Structs and delete ranges read before the refusal: the work it cost. */
    readonly work: number,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options)
  }
}

/** Yjs does not export the type of a decoded update's delete set. */
type DeleteSet = ReturnType<typeof Y.decodeUpdateV2>['ds']

/** The running count of the check in progress; checks are synchronous, so one is enough. */
let counted = 0
let bound = 0

class StructTooMany extends Error {
  override readonly name = 'StructTooMany'
}

class MissingDependency extends Error {
  override readonly name = 'MissingDependency'
}

/** Yjs's own V1 decoder, counting every struct (`readInfo`) and delete range (`readDsLen`) it reads. */
class CountingDecoder extends Y.UpdateDecoderV1 {
  override readInfo(): number {
    if (++counted > bound) throw new StructTooMany()
    return super.readInfo()
  }

  override readDsLen(): number {
    if (++counted > bound) throw new StructTooMany()
    const length = super.readDsLen()
    // Yjs re-encodes a delete range it cannot apply yet, and throws on an empty one half-way.
    if (length === 0) throw new Error('empty delete range')
    return length
  }
}

/**
 * Yjs looks up a reference to the item's own client without checking it exists (its earlier structs
 * must be there), so a reference to the item itself or to a later clock throws half-way through.
 */
function checkReferences(item: Y.Item): void {
  const { client, clock } = item.id
  for (const reference of [item.origin, item.rightOrigin, item.parent]) {
    if (reference instanceof Y.ID && reference.client === client && reference.clock >= clock) {
      throw new Error(`struct ${client}:${clock} refers to a later clock of its own client`)
    }
  }
}

/**
 * Refuses what `doc` would have to keep pending: a client's structs that start after what the room
 * has of that client, structs that refer to another client's clock the room (and the update) lacks,
 * and deletes of such clocks. Honest clients only send what follows what they received. A pending
 * struct is integrated later, when what it waits for arrives: a forged struct for another writer's
 * next clock, parked like this, would then win over that writer's own and split the room from it.
 */
function checkDependencies(doc: Y.Doc, structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>, ds: DeleteSet): Pick<CheckedUpdate, 'writtenClients' | 'fresh'> {
  /** Where each client's clocks end in the room, with the update's structs read so far. */
  const ends = new Map<number, number>()
  const endOf = (client: number) => ends.get(client) ?? Y.getState(doc.store, client)
  const written = new Set<number>()
  let fresh = structs.length > 0
  for (const struct of structs) {
    if (struct instanceof Y.Skip) {
      fresh = false
      continue
    }
    const { client, clock } = struct.id
    const end = endOf(client)
    if (clock > end) throw new MissingDependency(`struct ${client}:${clock} follows clocks of its client the room lacks`)
    if (clock < end) fresh = false
    if (clock + struct.length > end) written.add(client)
    ends.set(client, Math.max(end, clock + struct.length))
  }
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue
    for (const reference of [struct.origin, struct.rightOrigin, struct.parent]) {
      if (!(reference instanceof Y.ID)) continue
      if (reference.clock >= endOf(reference.client)) throw new MissingDependency(`struct ${struct.id.client}:${struct.id.clock} refers to a clock the room lacks`)
    }
  }
  // Yjs would park a delete of clocks the room lacks and apply it when they arrive: a forged delete
  // of another writer's next words would erase them in the room but not on that writer's screen.
  for (const [client, ranges] of ds.clients) {
    const known = endOf(client)
    if (ranges.some((range) => range.clock + range.len > known)) throw new MissingDependency(`the update deletes clocks of client ${client} the room lacks`)
  }
  return { writtenClients: [...written], fresh }
}

export interface CheckedUpdate {
  /** Structs plus delete ranges: the work applying it takes. */
  work: number
  /** Clients of which the update brings structs the room does not have yet. */
  writtenClients: number[]
  /**
   * Every struct continues its client exactly where the room's document ends, and every delete
   * names clocks the room has: the room will integrate all of it as sent, so the update itself is
   * what changed, and the room need not ask Yjs to encode the change again.
   */
  fresh: boolean
  /** A fresh update that deletes nothing: its decoded structs, to merge it without decoding again. */
  structs: DecodedStructs | undefined
}

/**
 * Checks that `update` decodes whole with at most `maxStructs` structs plus delete ranges, and that
 * `doc` could integrate all of it now. Returns the count (the work applying it will take); throws
 * RefusedUpdateError otherwise.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, maxStructs: number): CheckedUpdate {
  counted = 0
  bound = maxStructs
  try {
    const { structs, ds } = Y.decodeUpdateV2(update, CountingDecoder)
    for (const struct of structs) if (struct instanceof Y.Item) checkReferences(struct)
    const checked = checkDependencies(doc, structs, ds)
    // A fresh update holds no Skip; one that also deletes nothing is merged from these structs.
    const mergeable = checked.fresh && ds.clients.size === 0 ? (structs as DecodedStructs) : undefined
    return { work: counted, ...checked, structs: mergeable }
  } catch (error) {
    const work = Math.min(counted, maxStructs)
    if (error instanceof StructTooMany) {
      throw new RefusedUpdateError('too-many-structs', work, `update has more than ${maxStructs} structs and delete ranges`)
    }
    if (error instanceof MissingDependency) throw new RefusedUpdateError('missing-dependencies', work, error.message)
    throw new RefusedUpdateError('malformed', work, `update does not decode: ${(error as Error).message}`, { cause: error })
  }
}
