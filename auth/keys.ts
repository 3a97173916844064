/**
 * Signing keys in the data directory. Each key is an Ed25519 JWK in `keys/<kid>.json`; the newest
 * signs, every key still inside its verification window verifies. Rotation adds a key and keeps the
 * old ones until the tokens they signed can no longer be valid.
 */
import { generateKeyPairSync, createPublicKey, createPrivateKey, webcrypto, type KeyObject } from 'node:crypto'
import { readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { calculateJwkThumbprint, type JWK } from 'jose'
import { writeFileAtomic } from './files.js'

export const SIGNING_ALGORITHM = 'EdDSA'

interface StoredKey {
  kid: string
  alg: typeof SIGNING_ALGORITHM
  createdAt: number
  /** Seconds since the epoch after which this key no longer verifies (set when it is rotated out). */
  retireAt?: number
  privateJwk: JWK
}

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  /**
   * The public key imported once for WebCrypto, which jose verifies with: handing jose the
   * KeyObject instead makes it convert the key on every verification (about a fifth of the cost).
   */
  verificationKey: webcrypto.CryptoKey
  publicJwk: JWK
  createdAt: number
  retireAt?: number
}

async function toSigningKey(stored: StoredKey): Promise<SigningKey> {
  const privateKey = createPrivateKey({ key: stored.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' })
  const publicKey = createPublicKey(privateKey)
  const publicJwk = publicKey.export({ format: 'jwk' }) as JWK
  const verificationKey = await webcrypto.subtle.importKey('jwk', publicJwk as webcrypto.JsonWebKey, { name: 'Ed25519' }, false, [
    'verify',
  ])
  const entry: SigningKey = {
    kid: stored.kid,
    privateKey,
    publicKey,
    verificationKey,
    publicJwk: { ...publicJwk, kid: stored.kid, alg: SIGNING_ALGORITHM, use: 'sig' },
    createdAt: stored.createdAt,
  }
  if (stored.retireAt !== undefined) entry.retireAt = stored.retireAt
  return entry
}

async function newStoredKey(): Promise<StoredKey> {
  const { privateKey } = generateKeyPairSync('ed25519')
  const privateJwk = privateKey.export({ format: 'jwk' }) as JWK
  const kid = await calculateJwkThumbprint({ kty: privateJwk.kty!, crv: privateJwk.crv!, x: privateJwk.x! })
  return { kid, alg: SIGNING_ALGORITHM, createdAt: Math.floor(Date.now() / 1000), privateJwk }
}

export class KeyRing {
  private constructor(
    private readonly directory: string,
    private keys: SigningKey[],
  ) {}

  /** Loads the keys in `<dataDir>/keys`, creating the first one if there is none. */
  static async open(dataDir: string): Promise<{ ring: KeyRing; created: boolean }> {
    const directory = join(dataDir, 'keys')
    const stored = await readStoredKeys(directory)
    let created = false
    if (stored.length === 0) {
      const fresh = await newStoredKey()
      await writeFileAtomic(join(directory, `${fresh.kid}.json`), JSON.stringify(fresh, null, 2), 0o600)
      stored.push(fresh)
      created = true
    }
    const now = Math.floor(Date.now() / 1000)
    const live = stored.filter((key) => key.retireAt === undefined || key.retireAt > now)
    return { ring: new KeyRing(directory, sortNewestFirst(await Promise.all(live.map(toSigningKey)))), created }
  }

  /** Re-reads the key files, so a rotation done by another process (the CLI) is picked up. */
  async reload(): Promise<void> {
    const now = Math.floor(Date.now() / 1000)
    const stored = await readStoredKeys(this.directory)
    const live = stored.filter((key) => key.retireAt === undefined || key.retireAt > now)
    if (live.length > 0) this.keys = sortNewestFirst(await Promise.all(live.map(toSigningKey)))
  }

  get signingKey(): SigningKey {
    return this.keys[0]!
  }

  verificationKey(kid: string): SigningKey | undefined {
    const now = Math.floor(Date.now() / 1000)
    return this.keys.find((key) => key.kid === kid && (key.retireAt === undefined || key.retireAt > now))
  }

  /** The public keys that still verify, as a JWKS document. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => key.publicJwk) }
  }

  /**
   * Makes a new signing key. The previous keys keep verifying for `graceSeconds` (the longest a
   * token they signed can still be valid), then are deleted.
   */
  async rotate(graceSeconds: number): Promise<SigningKey> {
    const now = Math.floor(Date.now() / 1000)
    const stored = await readStoredKeys(this.directory)
    for (const key of stored) {
      if (key.retireAt !== undefined && key.retireAt <= now) {
        await unlink(join(this.directory, `${key.kid}.json`))
      } else if (key.retireAt === undefined) {
        key.retireAt = now + graceSeconds
        await writeFileAtomic(join(this.directory, `${key.kid}.json`), JSON.stringify(key, null, 2), 0o600)
      }
    }
    const fresh = await newStoredKey()
    // Rotations within one second must still order the new key first.
    fresh.createdAt = Math.max(now, ...stored.map((key) => key.createdAt + 1))
    await writeFileAtomic(join(this.directory, `${fresh.kid}.json`), JSON.stringify(fresh, null, 2), 0o600)
    await this.reload()
    return this.signingKey
  }
}

function sortNewestFirst(keys: SigningKey[]): SigningKey[] {
  return keys.sort((a, b) => b.createdAt - a.createdAt)
}

async function readStoredKeys(directory: string): Promise<StoredKey[]> {
  let names: string[]
  try {
    names = await readdir(directory)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const keys: StoredKey[] = []
  for (const name of names) {
    if (!name.endsWith('.json')) continue
    const text = await readFile(join(directory, name), 'utf8')
    try {
      keys.push(JSON.parse(text) as StoredKey)
    } catch (error) {
      throw new Error(`signing key file ${join(directory, name)} is not valid JSON: ${(error as Error).message}`)
    }
  }
  return keys
}
