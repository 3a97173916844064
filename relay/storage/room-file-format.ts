/**
 * The bytes of the embedded store's room files, and how damage in them is found.
 *
 * Snapshot: the magic `LCTS`, a version byte, uint32 length and uint32 CRC-32 of the payload, then
 * the payload (the whole document as one Yjs update). A file without the magic is a snapshot from
 * before checksums (the bare update); an empty file is never written, so it is damage.
 *
 * Log record: uint32 length, uint32 CRC-32 of the payload, payload. A record that fails its checks
 * is either a torn tail (the process died mid-write: nothing valid follows it, and it is cut) or
 * damage in the middle (an intact record follows it): then the intact records after it are kept
 * and the damaged bytes are reported.
 */
import { crc32 } from 'node:zlib'

export const LOG_HEADER_BYTES = 8
const SNAPSHOT_MAGIC = Buffer.from('LCTS', 'latin1')
const SNAPSHOT_VERSION = 1
const SNAPSHOT_HEADER_BYTES = SNAPSHOT_MAGIC.length + 1 + 8

export class DamagedRoomFileError extends Error {
  override readonly name = 'DamagedRoomFileError'
}

export function encodeSnapshot(state: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(SNAPSHOT_HEADER_BYTES + state.length)
  SNAPSHOT_MAGIC.copy(out, 0)
  out.writeUInt8(SNAPSHOT_VERSION, SNAPSHOT_MAGIC.length)
  out.writeUInt32BE(state.length, SNAPSHOT_MAGIC.length + 1)
  out.writeUInt32BE(crc32(state), SNAPSHOT_MAGIC.length + 5)
  out.set(state, SNAPSHOT_HEADER_BYTES)
  return out
}

/** The document in a snapshot file; throws DamagedRoomFileError if it is not whole. */
export function decodeSnapshot(bytes: Buffer): Uint8Array {
  if (bytes.length === 0) throw new DamagedRoomFileError('snapshot is empty')
  if (!bytes.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) return bytes
  if (bytes.length < SNAPSHOT_HEADER_BYTES) throw new DamagedRoomFileError('snapshot header is cut off')
  const version = bytes.readUInt8(SNAPSHOT_MAGIC.length)
  if (version !== SNAPSHOT_VERSION) throw new DamagedRoomFileError(`snapshot has unknown version ${version}`)
  const length = bytes.readUInt32BE(SNAPSHOT_MAGIC.length + 1)
  const checksum = bytes.readUInt32BE(SNAPSHOT_MAGIC.length + 5)
  const payload = bytes.subarray(SNAPSHOT_HEADER_BYTES)
  if (payload.length !== length) {
    throw new DamagedRoomFileError(`snapshot holds ${payload.length} bytes, its header says ${length}`)
  }
  if (crc32(payload) !== checksum) throw new DamagedRoomFileError('snapshot fails its checksum')
  return payload
}

export function encodeLogRecords(updates: Uint8Array[]): Buffer {
  let total = 0
  for (const update of updates) total += update.length + LOG_HEADER_BYTES
  const out = Buffer.allocUnsafe(total)
  let offset = 0
  for (const update of updates) {
    out.writeUInt32BE(update.length, offset)
    out.writeUInt32BE(crc32(update), offset + 4)
    out.set(update, offset + LOG_HEADER_BYTES)
    offset += update.length + LOG_HEADER_BYTES
  }
  return out
}

export interface DamagedSpan {
  offset: number
  bytes: number
}

export interface LogContents {
  updates: Uint8Array[]
  /** Where intact data ends: a torn tail after it is to be cut. */
  validLength: number
  /** Damaged spans in the middle, skipped; the records after each were kept. */
  damaged: DamagedSpan[]
}

export function readLogRecords(bytes: Buffer): LogContents {
  const updates: Uint8Array[] = []
  const damaged: DamagedSpan[] = []
  let offset = 0
  while (offset + LOG_HEADER_BYTES <= bytes.length) {
    const end = intactRecordEnd(bytes, offset)
    if (end !== -1) {
      updates.push(bytes.subarray(offset + LOG_HEADER_BYTES, end))
      offset = end
      continue
    }
    const next = nextIntactRecord(bytes, offset + 1)
    if (next === -1) break
    damaged.push({ offset, bytes: next - offset })
    offset = next
  }
  return { updates, validLength: offset, damaged }
}

/** The end of the record at `offset` if it is whole and matches its checksum; -1 otherwise. */
function intactRecordEnd(bytes: Buffer, offset: number): number {
  if (offset + LOG_HEADER_BYTES > bytes.length) return -1
  const length = bytes.readUInt32BE(offset)
  const end = offset + LOG_HEADER_BYTES + length
  // A zero-length record is never written; accepting one would make every run of zeros "intact".
  if (length === 0 || end > bytes.length) return -1
  return crc32(bytes.subarray(offset + LOG_HEADER_BYTES, end)) === bytes.readUInt32BE(offset + 4) ? end : -1
}

/** The first offset from `from` where an intact record starts, or -1. Only run on damage. */
function nextIntactRecord(bytes: Buffer, from: number): number {
  for (let offset = from; offset + LOG_HEADER_BYTES <= bytes.length; offset++) {
    if (intactRecordEnd(bytes, offset) !== -1) return offset
  }
  return -1
}
