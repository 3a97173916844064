/**
 * How access changes made on one node reach the live sessions and key rings of the others. The
 * node that makes a change applies it to its own sessions itself, then publishes it here; every
 * other node receives it and applies it to its own. Grants carry their revision, so an event that
 * arrives late never undoes a newer one, and a revoked grant id is never used again.
 */
import type { Grant } from '../grants.js'

export type AccessEvent =
  /** The grant's scope changed: its sessions follow in place. */
  | { kind: 'grant.changed'; grant: Grant; actor: string }
  /** The grants are gone: their sessions end. */
  | { kind: 'grants.revoked'; grants: Grant[]; reason: string; actor: string }
  /** A new signing key: every node re-reads the key store and signs with it. */
  | { kind: 'keys.rotated'; keyId: string; actor: string }

export type AccessEventListener = (event: AccessEvent) => void

export interface AccessEvents {
  /**
   * Sends `event` to every other node; resolves once it is on its way (with Redis: appended to the
   * stream, so a node that is down reads it when it is back). Never delivered to this node.
   */
  publish(event: AccessEvent): Promise<void>
  /**
   * Receives, in publication order, the events other nodes publish from now on. `missed` is called
   * when this node may have missed some (it fell behind what the transport keeps): what they said
   * must then be read again from the store.
   */
  subscribe(listener: AccessEventListener, missed?: () => void): () => void
  close(): Promise<void>
}

/** A node alone (the embedded backend): there is nobody to tell. */
export const SINGLE_NODE: AccessEvents = {
  publish: async () => undefined,
  subscribe: () => () => undefined,
  close: async () => undefined,
}
