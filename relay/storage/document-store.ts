/**
 * Where room documents live between restarts. The embedded backend keeps files in the data
 * directory; a Redis backend implements the same interface for several relay nodes.
 */
export interface DocumentStore {
  /** The stored updates of a room, oldest first (a snapshot, then logged updates); [] if new. */
  load(room: string): Promise<Uint8Array[]>
  /**
   * Records an update that was applied to the room. Durable within the store's flush interval.
   * Returns true when the room's history has grown enough that it should be compacted.
   */
  append(room: string, update: Uint8Array): boolean
  /** Replaces the room's history by one snapshot of its whole state. */
  compact(room: string, encodeState: () => Uint8Array): Promise<void>
  /** Writes everything buffered for the room and releases what the store holds open for it. */
  release(room: string): Promise<void>
  /** Writes everything buffered, for every room. */
  flush(): Promise<void>
  close(): Promise<void>
}
