/**
 * Where room documents live. The embedded backend keeps files in the data directory, the memory
 * backend keeps them in the process (tests), and the Redis backend shares them between the nodes
 * of a cluster. The store owns compaction: it decides when a room's history is folded into one
 * snapshot and asks the room for its state then.
 */

/**
 * Where an update came from. Only what a session of this node wrote is recorded and published:
 * what came from another node through the store, or was read back from it, is already there.
 */
export type UpdateOrigin =
  | { readonly kind: 'session' }
  | {
      readonly kind: 'remote'
      readonly node: string
      /** The room's snapshot, fetched again because this node missed entries: it repeats most of the room. */
      readonly resync?: true
    }
  | { readonly kind: 'restore' }

export type RemoteOrigin = Extract<UpdateOrigin, { kind: 'remote' }>

export const SESSION_ORIGIN: UpdateOrigin = { kind: 'session' }
export const RESTORE_ORIGIN: UpdateOrigin = { kind: 'restore' }

/** What a store needs from a loaded room. */
export interface RoomHost {
  /** The room's whole document as one update, for a snapshot. */
  encodeState(): Uint8Array
  /** An update another node wrote: apply it and forward it to this node's sessions. */
  applyRemoteUpdate(update: Uint8Array, origin: RemoteOrigin): void
  /** Awareness states of another node's sessions: record them and forward them. */
  applyRemoteAwareness(frame: Uint8Array, origin: RemoteOrigin): void
  /** A node stopped answering: remove the awareness states of its sessions. */
  removeNodeAwareness(node: string): void
  /** The store can no longer keep the room in step with the others: its sessions must resync. */
  storeUnavailable(reason: string): void
}

/** `degraded`: rooms are served, but something needs the operator (writes to disk are failing). */
export type StoreHealth =
  | { readonly ok: true; readonly degraded?: string }
  | { readonly ok: false; readonly reason: string }

export interface DocumentStore {
  /**
   * The stored history of a room, oldest first (a snapshot, then later updates); [] if new. From
   * now on the store may call `host`: remote updates arrive after everything returned here.
   */
  load(room: string, host: RoomHost): Promise<Uint8Array[]>
  /**
   * Records an update that was applied to the loaded room. Only a `session` origin is recorded (and
   * published to other nodes); anything else is already in the store and is ignored.
   */
  append(room: string, update: Uint8Array, origin: UpdateOrigin): void
  /** Publishes an awareness frame of this node's sessions to the other nodes (if there are any). */
  publishAwareness(room: string, frame: Uint8Array): void
  /** Saves everything the room has (compacting it if useful) and stops watching it. */
  release(room: string): Promise<void>
  /** Writes everything buffered, for every room. */
  flush(): Promise<void>
  /** Whether the store can serve rooms now; the reason when it cannot. */
  health(): StoreHealth
  /** Flushes and releases every room, then closes the store. */
  close(): Promise<void>
}
