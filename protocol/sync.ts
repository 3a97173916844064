/** Reading the payload of sync frames. */
import * as decoding from 'lib0/decoding'

/**
 * Returns the byte payload of a sync frame (state vector for step 1, update for step 2/update).
 * Throws on a truncated frame.
 */
export function readSyncPayload(frame: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(frame)
  decoding.readVarUint(decoder)
  decoding.readVarUint(decoder)
  return decoding.readVarUint8Array(decoder)
}
