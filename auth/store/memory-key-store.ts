/** Signing keys in memory: for tests, and for nodes in one process that share one store. */
import { rotatedKeys, type KeyStore, type StoredKey } from './key-store.js'

export class MemoryKeyStore implements KeyStore {
  private keys: StoredKey[] = []

  async list(): Promise<StoredKey[]> {
    return this.keys.map((key) => ({ ...key }))
  }

  async addFirst(key: StoredKey): Promise<StoredKey[]> {
    if (this.keys.length === 0) this.keys = [key]
    return this.list()
  }

  async rotate(fresh: StoredKey, retireAt: number, now: number): Promise<void> {
    this.keys = rotatedKeys(this.keys, fresh, retireAt, now)
  }

  async close(): Promise<void> {}
}
