/**
 * `<dataDir>/server.json` says which server is running on a data directory, so the CLI talks to
 * its API (where changes reach live sessions) instead of writing the files under its feet.
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../auth/files.js'

const FILE_NAME = 'server.json'

export interface ServerRecord {
  pid: number
  /** http://host:port of the server's API. */
  url: string
  startedAt: string
}

export async function announceServer(dataDir: string, url: string): Promise<void> {
  const record: ServerRecord = { pid: process.pid, url, startedAt: new Date().toISOString() }
  await writeFileAtomic(join(dataDir, FILE_NAME), `${JSON.stringify(record)}\n`)
}

/** Removes the record if it is still this process's (a later server may have replaced it). */
export async function withdrawServer(dataDir: string): Promise<void> {
  const record = await readServerRecord(dataDir)
  if (record?.pid === process.pid) await rm(join(dataDir, FILE_NAME), { force: true })
}

/** The server running on `dataDir`, or undefined if there is none (a record left by a killed one is ignored). */
export async function runningServer(dataDir: string): Promise<ServerRecord | undefined> {
  const record = await readServerRecord(dataDir)
  if (!record || !isAlive(record.pid)) return undefined
  return record
}

async function readServerRecord(dataDir: string): Promise<ServerRecord | undefined> {
  let text: string
  try {
    text = await readFile(join(dataDir, FILE_NAME), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const record = JSON.parse(text) as Partial<ServerRecord>
    if (typeof record.pid !== 'number' || typeof record.url !== 'string') return undefined
    return record as ServerRecord
  } catch {
    return undefined
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
