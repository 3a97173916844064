/**
 * The cluster's document store: one Redis Stream per room holds its updates and awareness changes,
 * a hash holds the compacted snapshot and the stream id it covers. A node loads a room from
 * snapshot + stream tail in one atomic read and follows the stream from the id it read
 * (stream-reader.ts), so nothing falls between load and subscribe. What this node's sessions write
 * is appended once per room per event-loop turn (one XADD, the turn's updates merged); what other
 * nodes wrote reaches the room as a `remote` update, which is never appended again.
 *
 * Compaction: past `compactAfterBytes` of stream since the last snapshot, a node takes the room's
 * lease (SET NX PX), writes the snapshot of what it has read and trims the stream up to that id.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from '../../logger.js'
import type { RedisConnection, RedisReply } from '../../redis-connection.js'
import type { DocumentStore, RoomHost, StoreHealth, UpdateOrigin } from '../document-store.js'
import { splitId } from '../../../auth/store/redis/redis-port.js'
import { COMPACT_SCRIPT, LOAD_SCRIPT, RELEASE_LEASE_SCRIPT, roomKeys, type RoomKeys } from './keys.js'
import { NodeLeases } from './node-leases.js'
import { decodeEntry, encodeEntryFields, type PendingEntry } from './stream-entry.js'
import { parseEntries, StreamReader, type StreamEntry } from './stream-reader.js'
import { TrimmedGap } from './trimmed-gap.js'

const COMPACT_LEASE_MS = 30_000
const CLOSE_WAIT_MS = 10_000

interface LoadedRoom {
  name: string
  host: RoomHost
  keys: RoomKeys
  pending: PendingEntry
  /** Stream bytes since the last snapshot, written here or read from other nodes. */
  streamBytes: number
  compacting: Promise<void> | null
  /** Asked to compact while a compaction was out: it may have found nothing read yet, so ask again. */
  compactAgain: boolean
  /** The id of the last entry of the room's stream this node has read. */
  readThrough: string
  /** Entries trimmed before this node read them, and their repair. */
  gap: TrimmedGap
}

export interface RedisDocumentStoreOptions {
  /** This node's name; a random suffix per process keeps a restarted node apart from its old self. */
  nodeId: string
  compactAfterBytes: number
}

export class RedisDocumentStore implements DocumentStore {
  /** This process in the cluster: what its stream entries and lease carry. */
  readonly member: string
  private readonly rooms = new Map<string, LoadedRoom>()
  private readonly roomsByStream = new Map<string, LoadedRoom>()
  private readonly inFlight = new Set<Promise<void>>()
  private readonly reader: StreamReader
  private readonly readerConnection: RedisConnection
  private readonly leases: NodeLeases
  private flushScheduled = false
  private leaseCounter = 0

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisDocumentStoreOptions,
    private readonly log: Logger,
  ) {
    this.member = `${options.nodeId}/${randomBytes(4).toString('hex')}`
    const readerConnection = redis.duplicate('reader')
    this.readerConnection = readerConnection
    this.reader = new StreamReader(readerConnection, redis, (stream, entries) => this.receive(stream, entries), log)
    this.leases = new NodeLeases(redis, this.member, (member) => this.nodeGone(member), log)
    redis.onStateChange((down) => (down === null ? this.recovered() : this.unavailable(down)))
    readerConnection.onStateChange((down) => down !== null && this.unavailable(down))
  }

  async start(): Promise<void> {
    await this.readerConnection.connect()
    await this.leases.start()
  }

  async load(room: string, host: RoomHost): Promise<Uint8Array[]> {
    const health = this.health()
    if (!health.ok) throw new Error(health.reason)
    const keys = roomKeys(room)
    const reply = (await this.redis.command(['EVAL', LOAD_SCRIPT, '2', keys.snapshot, keys.stream])) as RedisReply[]
    const [state, coveredId, rawEntries] = reply
    const updates: Uint8Array[] = []
    if (Buffer.isBuffer(state) && state.length > 0) updates.push(state)
    const entries = parseEntries(rawEntries ?? null)
    let streamBytes = 0
    const lastId = entries.length > 0 ? entries[entries.length - 1]!.id : Buffer.isBuffer(coveredId) ? coveredId.toString() : '0-0'
    const gap = new TrimmedGap(this.redis, room, keys.snapshot, host, this.log, () => this.maybeCompact(loaded))
    const pending: PendingEntry = { updates: [], awareness: [] }
    const loaded: LoadedRoom = { name: room, host, keys, pending, streamBytes: 0, compacting: null, compactAgain: false, readThrough: lastId, gap }
    for (const entry of entries) {
      const decoded = decodeEntry(entry)
      streamBytes += decoded.bytes
      if (decoded.update) updates.push(decoded.update)
      // Awareness of this node's earlier life is stale; other nodes' states are live until their lease says not.
      if (decoded.member !== this.member) this.applyAwareness(loaded, decoded.member, decoded.awareness)
    }
    loaded.streamBytes = streamBytes
    this.rooms.set(room, loaded)
    this.roomsByStream.set(keys.stream, loaded)
    this.reader.watch(keys.stream, lastId)
    return updates
  }

  append(room: string, update: Uint8Array, origin: UpdateOrigin): void {
    if (origin.kind !== 'session') return
    this.roomOf(room).pending.updates.push(update)
    this.scheduleFlush()
  }

  publishAwareness(room: string, frame: Uint8Array): void {
    const loaded = this.rooms.get(room)
    if (!loaded) return
    loaded.pending.awareness.push(frame)
    this.scheduleFlush()
  }

  async release(room: string): Promise<void> {
    const loaded = this.rooms.get(room)
    if (!loaded) return
    await this.flush()
    if (loaded.streamBytes > 0) await this.compact(loaded)
    this.reader.unwatch(loaded.keys.stream)
    loaded.gap.release()
    this.rooms.delete(room)
    this.roomsByStream.delete(loaded.keys.stream)
  }

  /** Resolves when everything appended so far is in Redis (waiting for Redis if it is away). */
  async flush(): Promise<void> {
    for (;;) {
      this.writePending()
      if (this.inFlight.size === 0) return
      await Promise.all(this.inFlight)
    }
  }

  health(): StoreHealth {
    const down = this.redis.down ?? this.readerConnection.down
    return down === null ? { ok: true } : { ok: false, reason: down }
  }

  /**
   * Saves and releases every room. While Redis is away this waits at most CLOSE_WAIT_MS, so a node
   * can still be stopped; what it could not append is still held by its clients, which resend it
   * to the node they reconnect to.
   */
  async close(): Promise<void> {
    const released = (async () => {
      for (const room of [...this.rooms.keys()]) await this.release(room)
      await this.leases.stop()
      return true
    })()
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), CLOSE_WAIT_MS).unref())
    if (!(await Promise.race([released, timeout]))) {
      this.log.error({ rooms: [...this.rooms.keys()], reason: this.redis.down }, 'closing without saving: redis unreachable')
    }
    await this.reader.stop()
  }

  private roomOf(room: string): LoadedRoom {
    const loaded = this.rooms.get(room)
    if (!loaded) throw new Error(`room "${room}" was not loaded from the document store`)
    return loaded
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    // After this turn's I/O callbacks: a turn's keystrokes go out as one entry per room.
    setImmediate(() => {
      this.flushScheduled = false
      this.writePending()
    })
  }

  /** One XADD per room with something pending; a failed one goes back in front of the queue. */
  private writePending(): void {
    for (const loaded of this.rooms.values()) {
      const batch = loaded.pending
      if (batch.updates.length === 0 && batch.awareness.length === 0) continue
      loaded.pending = { updates: [], awareness: [] }
      const fields = encodeEntryFields(this.member, batch)
      const write = this.redis
        .command(['XADD', loaded.keys.stream, '*', ...fields.args])
        .then(
          () => {
            loaded.streamBytes += fields.bytes
            this.maybeCompact(loaded)
          },
          (error: Error) => {
            // Redis went away mid-write: keep the batch (appending it twice is harmless to Yjs).
            loaded.pending.updates.unshift(...batch.updates)
            loaded.pending.awareness.unshift(...batch.awareness)
            this.log.warn({ room: loaded.name, err: error }, 'append to redis failed; kept for retry')
          },
        )
        .finally(() => this.inFlight.delete(write))
      this.inFlight.add(write)
    }
  }

  /** Entries other nodes (and this one) appended, in stream order. */
  private receive(stream: string, entries: StreamEntry[]): void {
    const loaded = this.roomsByStream.get(stream)
    if (!loaded) return
    for (const entry of entries) {
      const decoded = decodeEntry(entry)
      if (decoded.trimmedThrough !== null) loaded.gap.trimmed(loaded.readThrough, decoded.trimmedThrough)
      loaded.readThrough = entry.id
      if (decoded.member === this.member) continue
      loaded.streamBytes += decoded.bytes
      const origin = { kind: 'remote', node: decoded.member } as const
      if (decoded.update) loaded.host.applyRemoteUpdate(decoded.update, origin)
      this.applyAwareness(loaded, decoded.member, decoded.awareness)
    }
    this.maybeCompact(loaded)
  }

  private applyAwareness(loaded: LoadedRoom, member: string, frames: Uint8Array[]): void {
    if (frames.length === 0) return
    this.leases.watch(member)
    for (const frame of frames) loaded.host.applyRemoteAwareness(frame, { kind: 'remote', node: member })
  }

  private nodeGone(member: string): void {
    for (const loaded of this.rooms.values()) loaded.host.removeNodeAwareness(member)
  }

  private unavailable(reason: string): void {
    for (const loaded of this.rooms.values()) loaded.host.storeUnavailable(`document store unavailable: ${reason}`)
  }

  /**
   * Redis is back. Entries it acknowledged in its last second may be gone (AOF fsyncs every
   * second), so each loaded room appends its whole state once: harmless to Yjs if nothing was lost.
   */
  private recovered(): void {
    for (const loaded of this.rooms.values()) loaded.pending.updates.push(loaded.host.encodeState())
    this.scheduleFlush()
  }

  private maybeCompact(loaded: LoadedRoom): void {
    if (loaded.streamBytes < this.options.compactAfterBytes) return
    if (loaded.compacting) {
      loaded.compactAgain = true
      return
    }
    this.compact(loaded).catch((error: Error) => this.log.error({ room: loaded.name, err: error }, 'compaction failed'))
  }

  private compact(loaded: LoadedRoom): Promise<void> {
    loaded.compacting ??= this.compactOnce(loaded).finally(() => {
      loaded.compacting = null
      // The reader may have delivered this node's own entry only after the compaction looked.
      if (loaded.compactAgain && this.rooms.get(loaded.name) === loaded) {
        loaded.compactAgain = false
        this.maybeCompact(loaded)
      }
    })
    return loaded.compacting
  }

  private async compactOnce(loaded: LoadedRoom): Promise<void> {
    const { keys } = loaded
    const token = `${this.member}:${++this.leaseCounter}`
    const leased = await this.redis.command(['SET', keys.lease, token, 'NX', 'PX', String(COMPACT_LEASE_MS)])
    if (leased === null) return // another node is compacting this room
    const covered = this.reader.position(keys.stream)
    // A room that missed trimmed entries would write a snapshot without them.
    if (covered === undefined || covered === '0-0' || loaded.gap.open) {
      await this.redis.command(['EVAL', RELEASE_LEASE_SCRIPT, '1', keys.lease, token])
      return
    }
    // Everything up to `covered` has been applied here, so the state covers it.
    const state = Buffer.from(loaded.host.encodeState())
    const [ms, seq] = splitId(covered)
    await this.redis.command(['EVAL', COMPACT_SCRIPT, '3', keys.snapshot, keys.stream, keys.lease, state, String(ms), String(seq), token, this.member])
    loaded.streamBytes = 0
  }
}
