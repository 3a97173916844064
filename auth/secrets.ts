/**
 * Random identifiers and bearer secrets. A secret is handed out once and kept only as its SHA-256
 * hash: a copy of the data directory lets nobody redeem a code or act as a guest.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** `prefix` followed by `bytes` random bytes, base64url: URL-safe, and 8 bits of entropy per byte. */
export function randomToken(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/** Compares in constant time, so a caller cannot learn a secret byte by byte from response times. */
export function secretMatches(presented: string, expectedHash: string): boolean {
  const presentedHash = Buffer.from(hashSecret(presented), 'hex')
  const expected = Buffer.from(expectedHash, 'hex')
  return expected.length === presentedHash.length && timingSafeEqual(presentedHash, expected)
}
