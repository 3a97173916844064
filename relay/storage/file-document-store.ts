/**
 * The embedded document store: per room, a snapshot file and an append-only log of updates in
 * `<dataDir>/rooms/`. Appends are buffered and written every flush interval, so `kill -9` loses at
 * most that interval's writes; a clean shutdown flushes everything.
 *
 * Log record: uint32 length, uint32 CRC-32 of the payload, payload. A torn record at the tail (the
 * process died mid-write) fails its length or CRC check and is ignored, with what follows it.
 */
import { createHash } from 'node:crypto'
import { mkdir, open, readFile, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE, writeFileAtomic } from '../../auth/files.js'
import type { DocumentStore, RoomHost, StoreHealth, UpdateOrigin } from './document-store.js'

const HEADER_BYTES = 8

interface RoomFiles {
  host: RoomHost
  log: FileHandle | null
  pending: Uint8Array[]
  loggedBytes: number
  /** Serialises every file operation of the room, so appends, compaction and release never interleave. */
  chain: Promise<void>
  compacting: boolean
}

export class FileDocumentStore implements DocumentStore {
  private readonly directory: string
  private readonly rooms = new Map<string, RoomFiles>()
  private readonly timer: NodeJS.Timeout
  private failure: ((error: Error, room: string) => void) | null = null

  constructor(
    dataDir: string,
    flushIntervalMs: number,
    private readonly compactAfterBytes: number,
  ) {
    this.directory = join(dataDir, 'rooms')
    this.timer = setInterval(() => void this.flush(), flushIntervalMs)
    this.timer.unref()
  }

  /** Called when a background write fails (disk full, permissions): the caller logs it. */
  onWriteError(handler: (error: Error, room: string) => void): void {
    this.failure = handler
  }

  private paths(room: string): { snapshot: string; log: string } {
    // Room names may hold `/` and `:`; a hash gives a safe, fixed-length file name.
    const base = join(this.directory, createHash('sha256').update(room).digest('hex'))
    return { snapshot: `${base}.snapshot`, log: `${base}.log` }
  }

  async load(room: string, host: RoomHost): Promise<Uint8Array[]> {
    await mkdir(this.directory, { recursive: true, mode: PRIVATE_DIRECTORY_MODE })
    const { snapshot, log } = this.paths(room)
    const updates: Uint8Array[] = []
    const snapshotBytes = await readIfExists(snapshot)
    if (snapshotBytes && snapshotBytes.length > 0) updates.push(snapshotBytes)
    const logBytes = await readIfExists(log)
    let validLength = 0
    if (logBytes) {
      const records = readLogRecords(logBytes)
      updates.push(...records.updates)
      validLength = records.validLength
      if (validLength < logBytes.length) {
        // Cut a torn tail now, or the next appends would sit behind garbage.
        const handle = await open(log, 'r+')
        try {
          await handle.truncate(validLength)
        } finally {
          await handle.close()
        }
      }
    }
    this.rooms.set(room, { host, log: null, pending: [], loggedBytes: validLength, chain: Promise.resolve(), compacting: false })
    return updates
  }

  append(room: string, update: Uint8Array, origin: UpdateOrigin): void {
    if (origin.kind !== 'session') return
    const files = this.filesOf(room)
    files.pending.push(update)
    files.loggedBytes += update.length + HEADER_BYTES
    if (files.loggedBytes < this.compactAfterBytes || files.compacting) return
    files.compacting = true
    this.compact(room, files)
      .catch(() => undefined) // reported through onWriteError by enqueue
      .finally(() => (files.compacting = false))
  }

  publishAwareness(): void {
    // One process: there is no other node to tell.
  }

  health(): StoreHealth {
    return { ok: true }
  }

  private async compact(room: string, files: RoomFiles): Promise<void> {
    await this.enqueue(room, files, async () => {
      // The snapshot covers everything applied so far, pending appends included.
      const state = files.host.encodeState()
      files.pending = []
      const { snapshot, log } = this.paths(room)
      await writeFileAtomic(snapshot, state, PRIVATE_FILE_MODE)
      // Only after the snapshot is durable may the log go: replaying it again would be harmless.
      if (files.log) {
        await files.log.truncate(0)
      } else {
        await rm(log, { force: true })
      }
      files.loggedBytes = 0
    })
  }

  async release(room: string): Promise<void> {
    const files = this.rooms.get(room)
    if (!files) return
    // An unloaded room is kept as one snapshot: the next load reads one file.
    try {
      await this.compact(room, files)
    } finally {
      await this.enqueue(room, files, async () => {
        await this.writePending(room, files)
        await files.log?.close()
        files.log = null
      })
      this.rooms.delete(room)
    }
  }

  async flush(): Promise<void> {
    const writes: Promise<void>[] = []
    for (const [room, files] of this.rooms) {
      // Nothing buffered may still mean a compaction in flight, which took the buffer with it.
      if (files.pending.length === 0) writes.push(files.chain)
      else writes.push(this.enqueue(room, files, () => this.writePending(room, files)))
    }
    await Promise.all(writes)
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    await Promise.all([...this.rooms.keys()].map((room) => this.release(room)))
  }

  private filesOf(room: string): RoomFiles {
    const files = this.rooms.get(room)
    if (!files) throw new Error(`room "${room}" was not loaded from the document store`)
    return files
  }

  private enqueue(room: string, files: RoomFiles, work: () => Promise<void>): Promise<void> {
    const next = files.chain.then(work)
    files.chain = next.catch((error: Error) => {
      this.failure?.(error, room)
    })
    return next
  }

  private async writePending(room: string, files: RoomFiles): Promise<void> {
    if (files.pending.length === 0) return
    const batch = files.pending
    files.pending = []
    files.log ??= await open(this.paths(room).log, 'a', PRIVATE_FILE_MODE)
    await files.log.write(encodeLogRecords(batch))
    await files.log.datasync()
  }
}

function encodeLogRecords(updates: Uint8Array[]): Buffer {
  let total = 0
  for (const update of updates) total += update.length + HEADER_BYTES
  const out = Buffer.allocUnsafe(total)
  let offset = 0
  for (const update of updates) {
    out.writeUInt32BE(update.length, offset)
    out.writeUInt32BE(crc32(update), offset + 4)
    out.set(update, offset + HEADER_BYTES)
    offset += update.length + HEADER_BYTES
  }
  return out
}

function readLogRecords(bytes: Buffer): { updates: Uint8Array[]; validLength: number } {
  const updates: Uint8Array[] = []
  let offset = 0
  while (offset + HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32BE(offset)
    const checksum = bytes.readUInt32BE(offset + 4)
    const end = offset + HEADER_BYTES + length
    if (end > bytes.length) break
    const payload = bytes.subarray(offset + HEADER_BYTES, end)
    if (crc32(payload) !== checksum) break
    updates.push(payload)
    offset = end
  }
  return { updates, validLength: offset }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error })
  }
}
