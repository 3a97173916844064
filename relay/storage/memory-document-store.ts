/**
 * A document store in process memory: for tests, and for a relay that must keep nothing. What it
 * holds lives in a `MemoryDocuments` that may outlive the store, so a test can "restart" a relay
 * on the same documents. Compaction works as in the other backends: past a size, the room's
 * history is replaced by one snapshot of its state.
 */
import type { DocumentStore, RoomHost, StoreHealth, UpdateOrigin } from './document-store.js'

interface StoredRoom {
  updates: Uint8Array[]
  /** Bytes appended since the last snapshot. */
  bytes: number
}

/** The documents behind one or more successive memory stores. */
export class MemoryDocuments {
  readonly rooms = new Map<string, StoredRoom>()
}

export class MemoryDocumentStore implements DocumentStore {
  private readonly hosts = new Map<string, RoomHost>()

  constructor(
    private readonly documents: MemoryDocuments,
    private readonly compactAfterBytes: number,
  ) {}

  async load(room: string, host: RoomHost): Promise<Uint8Array[]> {
    this.hosts.set(room, host)
    return [...(this.documents.rooms.get(room)?.updates ?? [])]
  }

  append(room: string, update: Uint8Array, origin: UpdateOrigin): void {
    if (origin.kind !== 'session') return
    const host = this.hostOf(room)
    let stored = this.documents.rooms.get(room)
    if (!stored) {
      stored = { updates: [], bytes: 0 }
      this.documents.rooms.set(room, stored)
    }
    stored.updates.push(update)
    stored.bytes += update.length
    if (stored.bytes >= this.compactAfterBytes) this.compact(room, host)
  }

  publishAwareness(): void {
    // One process: there is no other node to tell.
  }

  async release(room: string): Promise<void> {
    const host = this.hosts.get(room)
    if (!host) return
    this.compact(room, host)
    this.hosts.delete(room)
  }

  async flush(): Promise<void> {
    // Every append is already stored.
  }

  health(): StoreHealth {
    return { ok: true }
  }

  async close(): Promise<void> {
    for (const room of [...this.hosts.keys()]) await this.release(room)
  }

  private compact(room: string, host: RoomHost): void {
    const state = host.encodeState()
    this.documents.rooms.set(room, { updates: [state], bytes: 0 })
  }

  private hostOf(room: string): RoomHost {
    const host = this.hosts.get(room)
    if (!host) throw new Error(`room "${room}" was not loaded from the document store`)
    return host
  }
}
