/**
 * Entries a node missed because another node's compaction trimmed them before its reader got
 * there (a node busy sending large updates can read a few entries behind). Missing one entry of a
 * writer, the room could never integrate that writer's later updates (Yjs parks them), its
 * sessions would be stuck, and a snapshot it wrote would lack the entry. The compaction's marker
 * says which ids it trimmed; a room that had not read that far fetches the snapshot, which covers
 * them, and applies it: Yjs keeps only what the room lacks, and the room forwards that (with the
 * updates that waited for it) to its sessions. Until then the room is not compacted.
 */
import type { Logger } from '../../logger.js'
import type { RedisConnection } from '../../redis-connection.js'
import type { RemoteOrigin, RoomHost } from '../document-store.js'
import { compareStreamIds } from '../../../auth/store/redis/redis-port.js'

const RETRY_MS = 1000
const SNAPSHOT_ORIGIN: RemoteOrigin = { kind: 'remote', node: 'snapshot', resync: true }

export class TrimmedGap {
  /** Gaps seen, and how many of them a fetched snapshot has covered. */
  private seen = 0
  private repaired = 0
  private repairing = false
  private released = false

  constructor(
    private readonly redis: RedisConnection,
    private readonly room: string,
    private readonly snapshotKey: string,
    private readonly host: RoomHost,
    private readonly log: Logger,
    /** Called when the room holds everything it read again. */
    private readonly onRepaired: () => void,
  ) {}

  /** True while the room lacks entries it missed: its state must not become a snapshot. */
  get open(): boolean {
    return this.repaired < this.seen
  }

  /** A compaction trimmed the stream through `trimmedThrough`; this room had read through `readThrough`. */
  trimmed(readThrough: string, trimmedThrough: string): void {
    if (compareStreamIds(readThrough, trimmedThrough) >= 0) return
    this.seen++
    this.log.warn({ room: this.room, readThrough, trimmedThrough }, 'stream entries were trimmed before this node read them: resyncing from the snapshot')
    void this.repair()
  }

  /** The room was released: nothing is applied to it any more. */
  release(): void {
    this.released = true
  }

  private async repair(): Promise<void> {
    if (this.repairing) return
    this.repairing = true
    try {
      // A snapshot fetched after a gap was seen covers it: snapshots only move forward.
      while (this.repaired < this.seen && !this.released) {
        const target = this.seen
        const state = await this.redis.command(['HGET', this.snapshotKey, 'state'])
        if (this.released) return
        if (Buffer.isBuffer(state)) this.host.applyRemoteUpdate(state, SNAPSHOT_ORIGIN)
        this.repaired = target
      }
    } catch (error) {
      this.log.error({ room: this.room, err: error }, 'resync from the snapshot failed; retrying')
      setTimeout(() => void this.repair(), RETRY_MS).unref()
      return
    } finally {
      this.repairing = false
    }
    if (!this.released) this.onRepaired()
  }
}
