/**
 * The server admin credential. Given by environment (LECTERN_ADMIN_TOKEN), or created on first start
 * in `<dataDir>/admin.key` (mode 0600) for the operator to read. Only its hash is kept in memory.
 * In a cluster, the first node to start keeps the key's hash in Redis and every node admits it.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../files.js'
import { hashSecret, randomToken } from '../secrets.js'

export const ADMIN_KEY_FILE = 'admin.key'
const MIN_ADMIN_TOKEN_LENGTH = 24

export interface AdminCredential {
  hash: string
  /** The file the key was written to, when this start created it. */
  createdFile?: string
}

/** Where the nodes of a cluster agree on one admin key: only its hash is kept. */
export interface SharedAdminHash {
  /** Keeps `hash` unless a hash is kept already; answers the hash kept. */
  claim(hash: string): Promise<string>
}

export async function loadAdminCredential(
  dataDir: string,
  fromEnvironment: string | undefined,
  shared?: SharedAdminHash,
): Promise<AdminCredential> {
  if (fromEnvironment !== undefined) {
    if (fromEnvironment.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new Error(`LECTERN_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`)
    }
    return { hash: hashSecret(fromEnvironment) }
  }
  const path = join(dataDir, ADMIN_KEY_FILE)
  const existing = await readAdminKeyFile(path)
  const key = existing ?? randomToken('lct_admin_', 32)
  const hash = shared ? await shared.claim(hashSecret(key)) : hashSecret(key)
  // Another node's key is the cluster's: it is in that node's data directory, not this one's.
  if (existing !== undefined || hash !== hashSecret(key)) return { hash }
  await writeFileAtomic(path, `${key}\n`, 0o600)
  return { hash, createdFile: path }
}

/** The key in `path`, or undefined when there is no such file. */
export async function readAdminKeyFile(path: string): Promise<string | undefined> {
  try {
    const key = (await readFile(path, 'utf8')).trim()
    if (key.length === 0) throw new Error(`the admin key file ${path} is empty`)
    return key
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
