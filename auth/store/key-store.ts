/**
 * Where signing keys are kept. The embedded store keeps one file per key in the data directory; a
 * Redis store shares them between the nodes of a cluster, so a token minted on one verifies on all.
 * The key ring (auth/keys.ts) decides which key signs and which still verify; the store only keeps.
 */
import type { JWK } from 'jose'

export const SIGNING_ALGORITHM = 'EdDSA'

export interface StoredKey {
  kid: string
  alg: typeof SIGNING_ALGORITHM
  /** Seconds since the epoch; the newest key signs. */
  createdAt: number
  /** Seconds since the epoch after which this key no longer verifies (set when it is rotated out). */
  retireAt?: number
  privateJwk: JWK
}

export interface KeyStore {
  /** Every key kept, retired ones included until a rotation removes them. */
  list(): Promise<StoredKey[]>
  /**
   * Keeps `key` only if no key is kept yet, and answers the keys kept afterwards: nodes starting
   * together on an empty store all end up with the same first key.
   */
  addFirst(key: StoredKey): Promise<StoredKey[]>
  /**
   * One rotation, as one step: every key without `retireAt` gets `retireAt`, keys retired by `now`
   * are removed, and `fresh` is added.
   */
  rotate(fresh: StoredKey, retireAt: number, now: number): Promise<void>
  close(): Promise<void>
}

/** A rotation applied to a list of keys, for the stores that hold the whole list at once. */
export function rotatedKeys(keys: readonly StoredKey[], fresh: StoredKey, retireAt: number, now: number): StoredKey[] {
  const kept = keys
    .filter((key) => key.retireAt === undefined || key.retireAt > now)
    .map((key) => (key.retireAt === undefined ? { ...key, retireAt } : key))
  return [...kept, fresh]
}
