/**
 * The embedded key store: each key an Ed25519 JWK in `<dataDir>/keys/*.json` (mode 0600), named by
 * its kid, except the first key, which is `first.json` so that two processes starting at once on an
 * empty directory agree on it (a hard link cannot replace an existing name).
 */
import { randomBytes } from 'node:crypto'
import { link, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory, writeFileAtomic } from '../files.js'
import { rotatedKeys, type KeyStore, type StoredKey } from './key-store.js'

const FIRST_KEY_FILE = 'first.json'

export class FileKeyStore implements KeyStore {
  private readonly directory: string

  constructor(dataDir: string) {
    this.directory = join(dataDir, 'keys')
  }

  async list(): Promise<StoredKey[]> {
    return [...(await this.read()).values()]
  }

  async addFirst(key: StoredKey): Promise<StoredKey[]> {
    const existing = await this.list()
    if (existing.length > 0) return existing
    const temporary = join(this.directory, `.${randomBytes(6).toString('hex')}.tmp`)
    await writeFileAtomic(temporary, JSON.stringify(key, null, 2), 0o600)
    try {
      await link(temporary, join(this.directory, FIRST_KEY_FILE))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    } finally {
      await unlink(temporary)
    }
    await syncDirectory(this.directory)
    return this.list()
  }

  async rotate(fresh: StoredKey, retireAt: number, now: number): Promise<void> {
    const files = await this.read()
    const before = [...files.values()]
    const after = rotatedKeys(before, fresh, retireAt, now)
    const kept = new Set(after.map((key) => key.kid))
    for (const [file, key] of files) {
      if (!kept.has(key.kid)) await unlink(join(this.directory, file))
    }
    for (const key of after) {
      const previous = [...files].find(([, old]) => old.kid === key.kid)
      if (previous && previous[1].retireAt === key.retireAt) continue
      // 0600: a private key.
      await writeFileAtomic(join(this.directory, previous?.[0] ?? `${key.kid}.json`), JSON.stringify(key, null, 2), 0o600)
    }
  }

  async close(): Promise<void> {}

  /** Every key file, by file name. */
  private async read(): Promise<Map<string, StoredKey>> {
    let names: string[]
    try {
      names = await readdir(this.directory)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
      throw error
    }
    const keys = new Map<string, StoredKey>()
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      const path = join(this.directory, name)
      const text = await readFile(path, 'utf8')
      try {
        keys.set(name, JSON.parse(text) as StoredKey)
      } catch (error) {
        throw new Error(`signing key file ${path} is not valid JSON`, { cause: error })
      }
    }
    return keys
  }
}
