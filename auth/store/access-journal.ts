/**
 * The embedded access store's files: `access.json`, a snapshot of every record up to a sequence
 * number, and `access.journal`, one line per change after it (`{"seq":N,"ops":[...]}`). A change
 * costs one appended line and one fsync, whatever is stored. When the journal outgrows the
 * snapshot, a new snapshot is written atomically and the journal emptied; a crash between the two
 * is harmless, because lines the snapshot already holds are skipped by their sequence number.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../files.js'
import type { AccessOp, AccessSnapshot } from './access-index.js'

const SNAPSHOT_FILE = 'access.json'
const JOURNAL_FILE = 'access.journal'
/** Version 1 had no journal and no sequence number; it reads as version 2 at sequence 0. */
const FORMAT_VERSION = 2
/** By default the journal is folded into the snapshot once it is this big and bigger than the snapshot. */
export const COMPACT_MIN_BYTES = 1024 * 1024
/** 0600: the files hold code hashes and who has access to what. */
const MODE = 0o600

interface SnapshotFile extends AccessSnapshot {
  version: number
  seq?: number
}

interface JournalLine {
  seq: number
  ops: AccessOp[]
}

export interface LoadedAccess {
  snapshot: AccessSnapshot
  /** Journal changes after the snapshot, in order. */
  changes: AccessOp[][]
  journal: AccessJournal
}

export class AccessJournal {
  private constructor(
    private readonly dir: string,
    private file: FileHandle,
    private seq: number,
    private journalBytes: number,
    private snapshotBytes: number,
    private readonly compactMinBytes: number,
  ) {}

  static async load(dir: string, compactMinBytes = COMPACT_MIN_BYTES): Promise<LoadedAccess> {
    const snapshotPath = join(dir, SNAPSHOT_FILE)
    const journalPath = join(dir, JOURNAL_FILE)
    const snapshotText = await readIfExists(snapshotPath)
    const snapshot = parseSnapshot(snapshotText, snapshotPath)
    const { changes, seq, validBytes } = parseJournal((await readIfExists(journalPath)) ?? '', snapshot.seq ?? 0, journalPath)
    const file = await open(journalPath, 'a', MODE)
    // A torn last line was never acknowledged: cut it off so the next line starts clean.
    if ((await file.stat()).size !== validBytes) await file.truncate(validBytes)
    const journal = new AccessJournal(dir, file, seq, validBytes, snapshotText?.length ?? 0, compactMinBytes)
    return { snapshot: { grants: snapshot.grants, links: snapshot.links }, changes, journal }
  }

  /** Appends one change and waits until it is on disk. */
  async append(ops: readonly AccessOp[]): Promise<void> {
    const line = `${JSON.stringify({ seq: this.seq + 1, ops })}\n`
    try {
      await this.file.write(line)
      await this.file.datasync()
    } catch (error) {
      // Cut off whatever part of the line made it, so the next line does not land after garbage.
      await this.file.truncate(this.journalBytes).catch(() => undefined)
      throw error
    }
    this.seq++
    this.journalBytes += Buffer.byteLength(line)
  }

  get wantsCompaction(): boolean {
    return this.journalBytes >= this.compactMinBytes && this.journalBytes >= this.snapshotBytes
  }

  /** Writes `snapshot` (everything up to the last appended change) and empties the journal. */
  async compact(snapshot: AccessSnapshot): Promise<void> {
    const text = `${JSON.stringify({ version: FORMAT_VERSION, seq: this.seq, ...snapshot })}\n`
    await writeFileAtomic(join(this.dir, SNAPSHOT_FILE), text, MODE)
    await this.file.truncate(0)
    await this.file.datasync()
    this.snapshotBytes = text.length
    this.journalBytes = 0
  }

  async close(): Promise<void> {
    await this.file.close()
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read the access store ${path}`, { cause: error })
  }
}

function parseSnapshot(text: string | undefined, path: string): SnapshotFile {
  if (text === undefined) return { version: FORMAT_VERSION, seq: 0, grants: [], links: [] }
  let parsed: Partial<SnapshotFile>
  try {
    parsed = JSON.parse(text) as Partial<SnapshotFile>
  } catch (error) {
    throw new Error(`the access store ${path} is not valid JSON`, { cause: error })
  }
  const known = parsed.version === 1 || parsed.version === FORMAT_VERSION
  if (!known || !Array.isArray(parsed.grants) || !Array.isArray(parsed.links)) {
    throw new Error(`the access store ${path} is not a version ${FORMAT_VERSION} grants-and-links file`)
  }
  return { version: parsed.version!, seq: parsed.seq ?? 0, grants: parsed.grants, links: parsed.links }
}

function parseJournal(text: string, after: number, path: string): { changes: AccessOp[][]; seq: number; validBytes: number } {
  const changes: AccessOp[][] = []
  let seq = after
  let offset = 0
  while (offset < text.length) {
    const end = text.indexOf('\n', offset)
    const line = end === -1 ? undefined : parseLine(text.slice(offset, end))
    if (line === undefined) {
      // Only the last line can be torn (a crash mid-append); damage anywhere else is corruption.
      if (end === -1 || text.indexOf('\n', end + 1) === -1) break
      throw new Error(`the access journal ${path} is damaged at byte ${Buffer.byteLength(text.slice(0, offset))}`)
    }
    if (line.seq > seq) {
      changes.push(line.ops)
      seq = line.seq
    }
    offset = end! + 1
  }
  return { changes, seq, validBytes: Buffer.byteLength(text.slice(0, offset)) }
}

function parseLine(text: string): JournalLine | undefined {
  try {
    const line = JSON.parse(text) as Partial<JournalLine>
    return typeof line.seq === 'number' && Array.isArray(line.ops) ? (line as JournalLine) : undefined
  } catch {
    return undefined
  }
}
