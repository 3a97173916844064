/**
 * Issue 12 #5: one process at a time on an embedded data directory. A second `lectern serve` or
 * `lectern api` is refused, naming the first; a server killed with -9 leaves nothing that stops
 * the next one, even when its recorded pid now belongs to another process.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeDataDir } from '../support/relay-fixture.js'
import { runCli, serveProcess, type ServeProcess } from '../support/process.js'

let dataDir: string
const servers: ServeProcess[] = []

beforeEach(async () => {
  dataDir = await makeDataDir()
})

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop('SIGKILL')
  await rm(dataDir, { recursive: true, force: true })
})

describe('the data directory lock', { timeout: 120_000 }, () => {
  it('refuses a second serve and an api on the same directory, naming the process that has it', async () => {
    const first = await serveProcess(dataDir)
    servers.push(first)
    for (const command of ['serve', 'api']) {
      const second = await runCli([command, '--port', '0', '--data-dir', dataDir])
      expect(second.code, second.stderr).toBe(1)
      expect(second.stderr).toContain(`in use by "lectern serve" (pid ${first.child.pid}`)
    }
    // The CLI still works, through the running server.
    const grant = await runCli(['grants', 'set', 'r', 'user:bob', 'read', '--data-dir', dataDir])
    expect(grant.code, grant.stderr).toBe(0)
  })

  it('is not held by a server killed with -9, even when its recorded pid is reused by another process', async () => {
    const first = await serveProcess(dataDir)
    await first.stop('SIGKILL')
    // The dead server's record now names a live process that is not a lectern server (this one).
    const record = join(dataDir, 'server.json')
    const stale = JSON.parse(await readFile(record, 'utf8')) as { pid: number }
    await writeFile(record, JSON.stringify({ ...stale, pid: process.pid }))

    const grant = await runCli(['grants', 'set', 'r', 'user:bob', 'read', '--data-dir', dataDir])
    expect(grant.code, grant.stderr).toBe(0)
    const next = await serveProcess(dataDir)
    servers.push(next)
    expect(next.output()).not.toContain('in use')
  })
})
