/**
 * The operator's CLI against a real `lectern serve` process (the CLI finds it through the data
 * directory and goes through its API, so live sessions change) and against a bare data directory.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Grant } from '../../auth/grants.js'
import type { Link } from '../../protocol/api-types.js'
import { isPermissionDenied, MessageType, SyncStep } from '../../protocol/messages.js'
import { connectClient, makeDataDir, rawClient, waitFor, waitSynced, type TestClient } from '../support/relay-fixture.js'
import { childEnv, CLI, runCli, serveProcess, type ServeProcess } from '../support/process.js'
import { lecternApi, readAdminKey, recordFrames } from '../support/token-service-client.js'

let dataDir: string
let server: ServeProcess | null = null
const clients: TestClient[] = []

beforeEach(async () => {
  dataDir = await makeDataDir()
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await server?.stop('SIGTERM')
  server = null
  await rm(dataDir, { recursive: true, force: true })
})

async function lectern(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli([...args, '--data-dir', dataDir])
}

async function lecternJson<T>(...args: string[]): Promise<T> {
  const { code, stdout, stderr } = await lectern(...args, '--json')
  expect(code, stderr).toBe(0)
  return JSON.parse(stdout) as T
}

describe('lectern share and grants, with a server running', () => {
  it('the operator shares, upgrades, downgrades and revokes; live sessions follow', async () => {
    server = await serveProcess(dataDir)
    const api = lecternApi(server.url)
    const { code, link } = await lecternJson<{ code: string; link: Link }>('share', 'create', 'intro-yjs', '--scope', 'read', '--label', 'attendees')
    expect(link).toMatchObject({ scope: 'read', status: 'active', label: 'attendees' })

    const redeemed = [
      await api.redeem({ code, displayName: 'Bob' }),
      await api.redeem({ code, displayName: 'Eve' }),
    ]
    const [bob, eve] = redeemed.map((result) => {
      const client = connectClient('v3', server!.url, 'intro-yjs', result.token)
      clients.push(client)
      return client
    })
    await Promise.all([waitSynced(bob!), waitSynced(eve!)])

    const listed = await lectern('grants', 'list', 'intro-yjs')
    expect(listed.stdout).toMatch(/^SUBJECT\s+SCOPE\s+UNTIL\s+GRANT\s+VIA LINK\s+NAME\s+UPDATED$/m)
    expect(listed.stdout).toContain('Bob')
    const bobSubject = redeemed[0]!.subject
    const bobFrames = recordFrames(bob!)
    const upgrade = await lectern('grants', 'set', 'intro-yjs', bobSubject, 'write')
    expect(upgrade.stdout).toBe(`${bobSubject} has write on room intro-yjs: 1 live session changed.\n`)
    await waitFor(() => bobFrames.some((frame) => frame[0] === MessageType.sync && frame[1] === SyncStep.step1), 'Bob is asked for his state')
    bob!.doc.getText('text').insert(0, 'demo by Bob')
    await waitFor(() => eve!.doc.getText('text').toString() === 'demo by Bob', 'Bob writes after the upgrade')
    await lectern('grants', 'set', 'intro-yjs', bobSubject, 'read')
    await waitFor(() => bobFrames.some(isPermissionDenied), 'Bob is told he is read-only again')

    const closes: number[] = []
    for (const client of [bob!, eve!]) client.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code))
    const revoked = await lectern('share', 'revoke', 'intro-yjs', link.id)
    expect(revoked.stdout).toBe(`Revoked share link ${link.id} on room intro-yjs: 2 grants taken back, 2 sessions ended.\n`)
    await waitFor(() => closes.filter((closeCode) => closeCode === 4403).length === 2, 'both sessions end with 4403')
    const { links } = await lecternJson<{ links: Link[] }>('share', 'list', 'intro-yjs')
    expect(links.map((entry) => entry.status)).toEqual(['revoked'])

    const rotated = await lecternJson<{ keyId: string }>('keys', 'rotate')
    const jwks = (await (await fetch(`${server.url.replace('ws', 'http')}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
    expect(jwks.keys.map((key) => key.kid)).toContain(rotated.keyId)
    expect(jwks.keys).toHaveLength(2)

    const audit = await readFile(join(dataDir, 'audit.log'), 'utf8')
    const actions = audit.trim().split('\n').map((line) => JSON.parse(line) as { action: string; actor: string })
    expect(actions.filter((event) => event.actor === 'admin').map((event) => event.action)).toEqual([
      'link.created',
      'grant.scope_changed',
      'grant.scope_changed',
      'link.revoked',
      'grant.revoked',
      'grant.revoked',
      'session.ended',
      'session.ended',
      'keys.rotated',
    ])
    expect(audit).not.toContain(code)
  }, 120_000) // nine CLI processes, each a Node start-up: on a shared, loaded machine that alone can take 30 s

  it('reports refusals with exit code 1, usage errors with 2, an unreachable server with 3', async () => {
    server = await serveProcess(dataDir)
    const missing = await lectern('grants', 'revoke', 'intro-yjs', 'user:nobody')
    expect(missing).toMatchObject({ code: 1, stdout: '' })
    expect(missing.stderr).toBe('lectern: user:nobody has no grant on room intro-yjs (404 not_found)\n')
    const badScope = await lectern('grants', 'set', 'intro-yjs', 'user:bob', 'owner')
    expect(badScope.code).toBe(2)
    expect(badScope.stderr).toContain('SCOPE must be read, write or admin')
    const unreachable = await lectern('share', 'list', 'intro-yjs', '--server', 'http://127.0.0.1:9')
    expect(unreachable.code).toBe(3)
    expect(unreachable.stderr).toContain('cannot reach the server at http://127.0.0.1:9')
  })
})

describe('lectern grants, on a data directory with no server', () => {
  it('writes grants the relay honours when it starts', async () => {
    const set = await lecternJson<{ grant: Grant; created: boolean }>('grants', 'set', 'notes', 'user:ada', 'admin')
    expect(set).toMatchObject({ created: true, grant: { subject: 'user:ada', scope: 'admin', createdBy: 'operator (cli)' } })
    const { code } = await lecternJson<{ code: string }>('share', 'create', 'notes', '--scope', 'write', '--max-uses', '1', '--expires', '1h')

    server = await serveProcess(dataDir)
    const api = lecternApi(server.url)
    const redeemed = await api.redeem({ code })
    const refreshed = await api.withCredential(redeemed.guestKey!).roomToken('notes')
    const session = rawClient(server.url, 'notes', refreshed.token)
    await session.opened
    session.ws.close()
    await expect(api.redeem({ code })).rejects.toMatchObject({ status: 410, code: 'link_used_up' })
  })
})

describe('lectern api', () => {
  it('runs the token service on its own, and the CLI finds it', async () => {
    const child = spawn(process.execPath, [CLI, 'api', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() })
    try {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      while (!/"api":"http:\/\/[^"]+"/.test(output)) await once(child.stdout, 'data')
      const apiUrl = /"api":"(http:\/\/[^"]+)\/api\/v1"/.exec(output)![1]!
      const { link } = await lecternJson<{ link: Link }>('share', 'create', 'standalone')
      const links = await lecternApi(apiUrl, await readAdminKey(dataDir)).listLinks('standalone')
      expect(links.map((entry) => entry.id)).toEqual([link.id])
      const jwks = (await (await fetch(`${apiUrl}/.well-known/jwks.json`)).json()) as { keys: unknown[] }
      expect(jwks.keys).toHaveLength(1)
    } finally {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  })
})
