/**
 * The signing keys in use: the newest signs, every key still inside its verification window
 * verifies. Rotation adds a key and keeps the old ones until the tokens they signed can no longer be
 * valid. The keys themselves live in a KeyStore (files, or Redis shared by a cluster).
 */
import { generateKeyPairSync, createPublicKey, createPrivateKey, webcrypto, type KeyObject } from 'node:crypto'
import { calculateJwkThumbprint, type JWK } from 'jose'
import { epochSeconds, SYSTEM_CLOCK, type Clock } from './clock.js'
import { SIGNING_ALGORITHM, type KeyStore, type StoredKey } from './store/key-store.js'

export { SIGNING_ALGORITHM }

/** An unknown `kid` re-reads the store at most this often: a flood of forged kids costs nothing. */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 1000

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

async function newStoredKey(createdAt: number): Promise<StoredKey> {
  const { privateKey } = generateKeyPairSync('ed25519')
  const privateJwk = privateKey.export({ format: 'jwk' }) as JWK
  const kid = await calculateJwkThumbprint({ kty: privateJwk.kty!, crv: privateJwk.crv!, x: privateJwk.x! })
  return { kid, alg: SIGNING_ALGORITHM, createdAt, privateJwk }
}

export class KeyRing {
  private lastUnknownKidReload = Number.NEGATIVE_INFINITY
  private imported = new Map<string, Promise<SigningKey>>()

  private constructor(
    private readonly store: KeyStore,
    readonly clock: Clock,
    private keys: SigningKey[],
  ) {}

  /** Loads the kept keys, creating the first one if there is none. */
  static async open(store: KeyStore, clock: Clock = SYSTEM_CLOCK): Promise<{ ring: KeyRing; created: boolean }> {
    let stored = await store.list()
    let created = false
    if (stored.length === 0) {
      const fresh = await newStoredKey(epochSeconds(clock))
      stored = await store.addFirst(fresh)
      created = stored.some((key) => key.kid === fresh.kid)
    }
    const ring = new KeyRing(store, clock, [])
    await ring.adopt(stored)
    return { ring, created }
  }

  /** Re-reads the store, so a rotation done elsewhere (the CLI, another node) is picked up. */
  async reload(): Promise<void> {
    await this.adopt(await this.store.list())
  }

  get signingKey(): SigningKey {
    return this.keys[0]!
  }

  verificationKey(kid: string): SigningKey | undefined {
    const now = epochSeconds(this.clock)
    return this.keys.find((key) => key.kid === kid && (key.retireAt === undefined || key.retireAt > now))
  }

  /**
   * Like verificationKey, but a kid this ring does not know re-reads the store first (at most once a
   * second): another node may have rotated and signed with its new key before the news arrived here.
   */
  async findVerificationKey(kid: string): Promise<SigningKey | undefined> {
    const known = this.verificationKey(kid)
    if (known) return known
    const now = Date.now()
    if (now - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_INTERVAL_MS) return undefined
    this.lastUnknownKidReload = now
    await this.reload()
    return this.verificationKey(kid)
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
    const now = epochSeconds(this.clock)
    const stored = await this.store.list()
    // Rotations within one second must still order the new key first.
    const fresh = await newStoredKey(Math.max(now, ...stored.map((key) => key.createdAt + 1)))
    await this.store.rotate(fresh, now + graceSeconds, now)
    await this.reload()
    return this.signingKey
  }

  /**
   * Takes the live keys of `stored`, newest first; keeps the current keys if none is live. Importing
   * a key costs a little crypto, so each (kid, retireAt) already imported is reused.
   */
  private async adopt(stored: StoredKey[]): Promise<void> {
    const now = epochSeconds(this.clock)
    const live = stored.filter((key) => key.retireAt === undefined || key.retireAt > now)
    if (live.length === 0) return
    const imported = new Map<string, Promise<SigningKey>>()
    for (const key of live) {
      const id = `${key.kid}/${key.retireAt ?? ''}`
      imported.set(id, this.imported.get(id) ?? toSigningKey(key))
    }
    const keys = await Promise.all(imported.values())
    this.imported = imported
    this.keys = keys.sort((a, b) => b.createdAt - a.createdAt)
  }
}
