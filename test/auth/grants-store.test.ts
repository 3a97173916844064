import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashSecret } from '../../auth/secrets.js'
import { createShareLink } from '../../auth/share-links.js'
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

async function addLink(options: { scope?: 'read' | 'write'; maxUses?: number | null; expiresInSeconds?: number } = {}) {
  const { link, code } = createShareLink({
    room: 'intro-yjs',
    scope: options.scope ?? 'read',
    expiresInSeconds: options.expiresInSeconds ?? 3600,
    maxUses: options.maxUses ?? null,
    actor: 'user:ada',
    at: new Date(),
  })
  await store.addLink(link)
  return { link, codeHash: hashSecret(code) }
}

describe('embedded access store', () => {
  it('admits exactly one of many concurrent redeems of a link with one use left', async () => {
    const { link, codeHash } = await addLink({ maxUses: 1 })
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.redeem({ codeHash, subject: `user:guest-${i}`, actor: `user:guest-${i}`, at: new Date() }),
      ),
    )
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1)
    expect(outcomes.filter((outcome) => !outcome.ok && outcome.refusal === 'link_used_up')).toHaveLength(24)

    const reopened = await FileAccessStore.open(dataDir)
    const [stored] = await reopened.roomLinks('intro-yjs')
    expect(stored).toMatchObject({ id: link.id, uses: 1 })
    expect(await reopened.roomGrants('intro-yjs')).toHaveLength(1)
  })

  it('refuses unknown, expired and revoked codes, saying which', async () => {
    const expired = await addLink({ expiresInSeconds: 1 })
    const revoked = await addLink()
    await store.revokeLink({ room: 'intro-yjs', linkId: revoked.link.id, actor: 'user:ada', at: new Date(), revokeGrants: false })
    const at = new Date(Date.now() + 1500)
    const redeem = (codeHash: string) => store.redeem({ codeHash, subject: 'user:bob', actor: 'user:bob', at })
    expect(await redeem(hashSecret('lct_share_nothing'))).toMatchObject({ ok: false, refusal: 'unknown_code' })
    expect(await redeem(expired.codeHash)).toMatchObject({ ok: false, refusal: 'link_expired' })
    expect(await redeem(revoked.codeHash)).toMatchObject({ ok: false, refusal: 'link_revoked' })
    expect(await store.grantFor('intro-yjs', 'user:bob')).toBeUndefined()
  })

  it('never lowers a grant on redeem, and a link revocation takes back only the grants it created', async () => {
    const { grant: carol } = await store.setGrant({ room: 'intro-yjs', subject: 'user:carol', scope: 'write', actor: 'admin', at: new Date() })
    const { link, codeHash } = await addLink({ scope: 'read' })
    const forCarol = await store.redeem({ codeHash, subject: 'user:carol', actor: 'user:carol', at: new Date() })
    const forBob = await store.redeem({ codeHash, subject: 'user:bob', displayName: 'Bob', actor: 'user:bob', at: new Date() })
    expect(forCarol).toMatchObject({ ok: true, grant: { id: carol.id, scope: 'write' } })
    expect(forBob).toMatchObject({ ok: true, grant: { scope: 'read', linkId: link.id, displayName: 'Bob' } })

    const revoked = await store.revokeLink({ room: 'intro-yjs', linkId: link.id, actor: 'user:ada', at: new Date(), revokeGrants: true })
    expect(revoked?.revokedGrants.map((grant) => grant.subject)).toEqual(['user:bob'])
    expect((await store.roomGrants('intro-yjs')).map((grant) => grant.subject)).toEqual(['user:carol'])
  })

  it('changes a grant in place: same id, next revision', async () => {
    const first = await store.setGrant({ room: 'intro-yjs', subject: 'user:bob', scope: 'read', actor: 'user:ada', at: new Date() })
    const second = await store.setGrant({ room: 'intro-yjs', subject: 'user:bob', scope: 'write', actor: 'user:ada', at: new Date() })
    expect(second.grant).toMatchObject({ id: first.grant.id, scope: 'write', revision: 2 })
    expect(second.previous).toMatchObject({ scope: 'read', revision: 1 })
  })

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
    expect(JSON.parse(await readFile(join(dataDir, 'access.json'), 'utf8'))).toMatchObject({ version: 1 })
  })
})
