/** What only the embedded access store promises; what every store promises is in contracts/access-store.ts. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileAccessStore } from '../../auth/store/file-access-store.js'
import { makeDataDir } from '../support/relay-fixture.js'

let dataDir: string
let store: FileAccessStore

beforeEach(async () => {
  dataDir = await makeDataDir()
  store = await FileAccessStore.open(dataDir)
})

afterEach(async () => {
  await store.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('embedded access store', () => {
  it('loses nothing it acknowledged when the process is killed with SIGKILL', async () => {
    const storeModule = fileURLToPath(new URL('../../dist/auth/store/file-access-store.js', import.meta.url))
    const script = `
      const { FileAccessStore } = await import(${JSON.stringify(storeModule)})
      const store = await FileAccessStore.open(process.argv[1])
      for (let i = 0; i < 20; i++) {
        await store.setGrant({ room: 'intro-yjs', subject: 'user:u' + i, scope: 'read', actor: 'admin', at: new Date() })
        process.stdout.write('acknowledged ' + i + '\\n')
      }
      setInterval(() => {}, 1000)
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    while (!output.includes('acknowledged 7\n')) await once(child.stdout, 'data')
    child.kill('SIGKILL')
    await once(child, 'exit')
    const acknowledged = output.split('\n').filter((line) => line.startsWith('acknowledged')).length

    const reopened = await FileAccessStore.open(dataDir)
    expect((await reopened.roomGrants('intro-yjs')).length).toBeGreaterThanOrEqual(acknowledged)
    const journalLines = (await readFile(join(dataDir, 'access.journal'), 'utf8')).split('\n').filter((line) => line !== '')
    expect(journalLines.length).toBeGreaterThanOrEqual(acknowledged)
    await reopened.close()
  })
})
