/**
 * The embedded document store: per room, a snapshot file and an append-only log of updates in
 * `<dataDir>/rooms/` (formats and damage detection in room-file-format.ts). Appends are buffered
 * and written every flush interval, so `kill -9` loses at most that interval's writes; a clean
 * shutdown flushes everything.
 *
 * A write that fails (a full disk) loses nothing: the batch goes back in front of the buffer, any
 * part of it that reached the log is cut off again, and the next flush retries it. Meanwhile the
 * room is served from memory, compaction waits, and health() reports the store degraded.
 */
import { createHash } from 'node:crypto'
import { copyFile, mkdir, open, readFile, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE, writeFileAtomic } from '../../auth/files.js'
import type { DocumentStore, RoomHost, StoreHealth, UpdateOrigin } from './document-store.js'
import {
  DamagedRoomFileError,
  decodeSnapshot,
  encodeLogRecords,
  encodeSnapshot,
  LOG_HEADER_BYTES,
  readLogRecords,
} from './room-file-format.js'

interface RoomFiles {
  host: RoomHost
  log: FileHandle | null
  pending: Uint8Array[]
  loggedBytes: number
  /** Bytes of the log file that hold whole records: where a failed write is cut back to. */
  fileBytes: number
  /** Serialises every file operation of the room, so appends, compaction and release never interleave. */
  chain: Promise<void>
  compacting: boolean
  /** The last write of this room failed; cleared by the next one that succeeds. */
  failing: Error | null
}

/** What the store reports to the relay, which logs and counts it. */
export interface FileStoreEvents {
  /** A background write failed (disk full, permissions); it will be retried. `repeated`: it was failing already. */
  writeFailed(error: Error, room: string, repeated: boolean): void
  /** A room's writes succeed again after failing. */
  writeRecovered(room: string): void
  /** A room file is damaged; `dropped` says what was lost or refused. */
  damaged(room: string, dropped: string): void
}

export class FileDocumentStore implements DocumentStore {
  private readonly directory: string
  private readonly rooms = new Map<string, RoomFiles>()
  private readonly timer: NodeJS.Timeout
  private events: FileStoreEvents | null = null

  constructor(
    dataDir: string,
    flushIntervalMs: number,
    private readonly compactAfterBytes: number,
  ) {
    this.directory = join(dataDir, 'rooms')
    // A failed flush is reported through the events and retried at the next tick; it must never
    // become an unhandled rejection, which would end the process.
    this.timer = setInterval(() => this.flush().catch(() => undefined), flushIntervalMs)
    this.timer.unref()
  }

  /** Where write failures and damaged files are reported. */
  report(events: FileStoreEvents): void {
    this.events = events
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
    if (snapshotBytes) {
      try {
        updates.push(decodeSnapshot(snapshotBytes))
      } catch (error) {
        // Never serve a damaged snapshot as if it were the document: the room stays closed (4500)
        // until an operator restores or removes the file.
        if (error instanceof DamagedRoomFileError) this.events?.damaged(room, `${error.message}: room refused`)
        throw new Error(`room snapshot ${snapshot} is damaged`, { cause: error })
      }
    }
    const logBytes = await readIfExists(log)
    let validLength = 0
    if (logBytes) {
      const records = readLogRecords(logBytes)
      updates.push(...records.updates)
      validLength = records.validLength
      if (records.damaged.length > 0) {
        const copy = `${log}.damaged-${Date.now()}`
        await copyFile(log, copy)
        const spans = records.damaged.map(({ offset, bytes }) => `${bytes} bytes at ${offset}`).join(', ')
        this.events?.damaged(room, `log records dropped (${spans}); ${records.updates.length} intact records kept; damaged log copied to ${copy}`)
      }
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
    this.rooms.set(room, {
      host,
      log: null,
      pending: [],
      loggedBytes: validLength,
      fileBytes: validLength,
      chain: Promise.resolve(),
      compacting: false,
      failing: null,
    })
    return updates
  }

  append(room: string, update: Uint8Array, origin: UpdateOrigin): void {
    if (origin.kind !== 'session') return
    const files = this.filesOf(room)
    files.pending.push(update)
    files.loggedBytes += update.length + LOG_HEADER_BYTES
    // While writes fail, compaction (a whole-document encoding per try) waits for the log to recover.
    if (files.loggedBytes < this.compactAfterBytes || files.compacting || files.failing) return
    files.compacting = true
    this.compact(room, files)
      .catch(() => undefined) // reported through onWriteError by enqueue
      .finally(() => (files.compacting = false))
  }

  publishAwareness(): void {
    // One process: there is no other node to tell.
  }

  health(): StoreHealth {
    let failing = 0
    let error: Error | null = null
    for (const files of this.rooms.values()) {
      if (!files.failing) continue
      failing++
      error = files.failing
    }
    if (!error) return { ok: true }
    return { ok: true, degraded: `writing to disk fails (${error.message}): ${failing} room(s) kept in memory, retrying` }
  }

  private async compact(room: string, files: RoomFiles): Promise<void> {
    await this.enqueue(room, files, async () => {
      // The snapshot covers everything applied so far, pending appends included; appends that
      // arrive while it is written stay buffered for the log.
      const state = files.host.encodeState()
      const covered = files.pending.length
      const { snapshot, log } = this.paths(room)
      await this.guarded(room, files, () => writeFileAtomic(snapshot, encodeSnapshot(state), PRIVATE_FILE_MODE))
      files.pending = files.pending.slice(covered)
      // Only after the snapshot is durable may the log go: replaying it again would be harmless.
      if (files.log) {
        await files.log.truncate(0)
      } else {
        await rm(log, { force: true })
      }
      files.fileBytes = 0
      files.loggedBytes = files.pending.reduce((sum, update) => sum + update.length + LOG_HEADER_BYTES, 0)
    })
  }

  /** Runs a write, keeping the room's failure state (and so health()) up to date. */
  private async guarded(room: string, files: RoomFiles, write: () => Promise<void>): Promise<void> {
    try {
      await write()
    } catch (error) {
      files.failing = error as Error
      throw error
    }
    if (files.failing) {
      files.failing = null
      this.events?.writeRecovered(room)
    }
  }

  async release(room: string): Promise<void> {
    const files = this.rooms.get(room)
    if (!files) return
    // An unloaded room is kept as one snapshot: the next load reads one file. If that fails, the
    // log will do; if the log fails too, the room stays here with its buffer and the caller keeps
    // it loaded, to try again later.
    await this.compact(room, files).catch(() => undefined)
    await this.enqueue(room, files, async () => {
      await this.writePending(room, files)
      await files.log?.close()
      files.log = null
    })
    this.rooms.delete(room)
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
    const failingBefore = files.failing !== null
    files.chain = next.catch((error: Error) => {
      this.events?.writeFailed(error, room, failingBefore)
    })
    return next
  }

  private async writePending(room: string, files: RoomFiles): Promise<void> {
    if (files.pending.length === 0) return
    const batch = files.pending
    files.pending = []
    const bytes = encodeLogRecords(batch)
    try {
      await this.guarded(room, files, async () => {
        const log = (files.log ??= await open(this.paths(room).log, 'a', PRIVATE_FILE_MODE))
        // A write to a nearly full disk may write part of the bytes without an error: loop, and
        // the next write reports ENOSPC.
        for (let offset = 0; offset < bytes.length; ) {
          const { bytesWritten } = await log.write(bytes, offset)
          if (bytesWritten === 0) throw new Error('the log accepted no bytes')
          offset += bytesWritten
        }
        await log.datasync()
      })
    } catch (error) {
      // Nothing acknowledged is dropped: the batch goes back before what came since, and the part
      // of it that reached the file is cut, so the retry does not leave a torn record mid-log.
      files.pending = batch.concat(files.pending)
      await files.log?.truncate(files.fileBytes).catch(() => undefined)
      throw error
    }
    files.fileBytes += bytes.length
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error })
  }
}
