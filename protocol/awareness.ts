/**
 * Reading and writing awareness updates (y-protocols/awareness encoding) without materialising
 * the states: the relay only needs client ids, clocks and the raw JSON text.
 *
 * Encoding: varuint count, then per entry varuint clientId, varuint clock, varstring JSON state
 * ("null" removes the client's state).
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from './messages.js'

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** The JSON text of the state; "null" means the state is removed. */
  state: string
}

export class MalformedAwarenessError extends Error {
  override readonly name = 'MalformedAwarenessError'
}

/** Decodes the entries of an awareness frame (type byte included). Throws MalformedAwarenessError. */
export function readAwarenessFrame(frame: Uint8Array): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    if (type !== MessageType.awareness) {
      throw new MalformedAwarenessError(`expected an awareness frame, got type ${type}`)
    }
    const update = decoding.readVarUint8Array(decoder)
    return readAwarenessUpdate(update)
  } catch (error) {
    if (error instanceof MalformedAwarenessError) throw error
    throw new MalformedAwarenessError(`truncated awareness frame: ${(error as Error).message}`, { cause: error })
  }
}

/** Decodes an awareness update (the payload inside the frame). */
export function readAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  // Each entry takes at least three bytes; a larger count is a lie that would make us loop.
  if (count * 3 > update.length) {
    throw new MalformedAwarenessError(`awareness update claims ${count} entries in ${update.length} bytes`)
  }
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const state = decoding.readVarString(decoder)
    entries.push({ clientId, clock, state })
  }
  return entries
}

/** Reads only the client ids of an awareness frame. */
export function readAwarenessClientIds(frame: Uint8Array): number[] {
  return readAwarenessFrame(frame).map((entry) => entry.clientId)
}

/** Encodes entries into a complete awareness frame. */
export function encodeAwarenessEntries(entries: Iterable<AwarenessEntry>): Uint8Array {
  const list = [...entries]
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, list.length)
  for (const entry of list) {
    encoding.writeVarUint(inner, entry.clientId)
    encoding.writeVarUint(inner, entry.clock)
    encoding.writeVarString(inner, entry.state)
  }
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, MessageType.awareness)
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
  return encoding.toUint8Array(outer)
}

export const REMOVED_STATE = 'null'
