import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { metric } from '../support/metrics.js'
import { connectClient, rawClient, sleep, startTestRelay, waitFor, waitSynced, type TestRelay } from '../support/relay-fixture.js'

const ROOM = 'secret-notes'
let relay: TestRelay

beforeAll(async () => {
  relay = await startTestRelay()
  // Put content in the room, so a refused session that received anything would be visible.
  const writer = connectClient('v3', relay.url, ROOM, await relay.mint(ROOM, 'write'))
  await waitSynced(writer)
  writer.doc.getText('text').insert(0, 'confidential')
  // A barrier: once another session sees it, the room holds it.
  const reader = connectClient('v1', relay.url, ROOM, await relay.mint(ROOM, 'read'))
  await waitFor(() => reader.doc.getText('text').toString() === 'confidential', 'the content is in the room')
  reader.destroy()
  writer.destroy()
})

afterAll(async () => {
  await relay.dispose()
})

async function expectRefused(path: string, token: string | null, code: number, reason: RegExp): Promise<void> {
  const client = rawClient(relay.url, path, token)
  const closed = await client.closed
  expect(closed.code).toBe(code)
  expect(closed.reason).toMatch(reason)
  expect(client.frames).toHaveLength(0)
}

function segments(token: string): [string, string, string] {
  const [header, payload, signature] = token.split('.')
  return [header!, payload!, signature!]
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** A token with valid-looking claims for ROOM, signed however the attacker likes. */
function forge(header: { alg: string; kid: string }, key: KeyObject | Uint8Array): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ room: ROOM, scope: 'write' })
    .setProtectedHeader(header)
    .setIssuer('lectern')
    .setAudience('lectern-relay')
    .setSubject('mallory')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .setJti('forged')
    .sign(key)
}

describe('admission', () => {
  it('refuses a missing token with 4401', async () => {
    await expectRefused(ROOM, null, 4401, /missing token/)
  })

  it('refuses a malformed token with 4401', async () => {
    await expectRefused(ROOM, 'not-a-jwt', 4401, /malformed/)
    await expectRefused(ROOM, 'a.b.c', 4401, /malformed/)
  })

  it('refuses an expired token with 4401', async () => {
    // Past the relay's clock tolerance, so the test need not wait for it.
    const token = await relay.mint(ROOM, 'write', { ttlSeconds: -60 })
    await expectRefused(ROOM, token, 4401, /expired/)
  })

  it('refuses a token whose payload was altered with 4401', async () => {
    const [header, payload, signature] = segments(await relay.mint(ROOM, 'read'))
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const forged = `${header}.${encodeJson({ ...claims, scope: 'write' })}.${signature}`
    await expectRefused(ROOM, forged, 4401, /bad signature/)
  })

  it('refuses a token signed by a key the relay does not know with 4401', async () => {
    const { privateKey } = generateKeyPairSync('ed25519')
    const [header] = segments(await relay.mint(ROOM, 'write'))
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }
    const forged = await forge({ alg: 'EdDSA', kid }, privateKey)
    await expectRefused(ROOM, forged, 4401, /bad signature/)
    const unknownKid = await forge({ alg: 'EdDSA', kid: 'some-other-kid' }, privateKey)
    await expectRefused(ROOM, unknownKid, 4401, /unknown signing key/)
  })

  it('refuses alg "none" and HMAC signed with the public key', async () => {
    const [, payload] = segments(await relay.mint(ROOM, 'write'))
    const kid = relay.keys.signingKey.kid
    await expectRefused(ROOM, `${encodeJson({ alg: 'none', kid })}.${payload}.`, 4401, /malformed/)
    await expectRefused(ROOM, `${encodeJson({ alg: 'none', kid })}.${payload}.AAAA`, 4401, /malformed/)
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(relay.keys.signingKey.publicJwk))
    const hmac = await forge({ alg: 'HS256', kid }, publicKeyBytes)
    await expectRefused(ROOM, hmac, 4401, /malformed/)
  })

  it('refuses a valid token for another room with 4403', async () => {
    await expectRefused(ROOM, await relay.mint('other-room', 'write'), 4403, /another room/)
  })

  it('refuses an invalid room name with 4400', async () => {
    await expectRefused('bad%20room', await relay.mint(ROOM, 'write'), 4400, /room name/)
    await expectRefused('x'.repeat(257), await relay.mint(ROOM, 'write'), 4400, /room name/)
  })

  it('counts refusals in /metrics by reason, without any token in the output', async () => {
    const before = await metric(relay.port, 'lectern_refused_sessions_total', { reason: 'token is for another room' })
    const token = await relay.mint('another-room', 'write')
    await expectRefused(ROOM, token, 4403, /another room/)
    const response = await fetch(`http://127.0.0.1:${relay.port}/metrics`)
    const body = await response.text()
    expect(await metric(relay.port, 'lectern_refused_sessions_total', { reason: 'token is for another room' })).toBe(before + 1)
    expect(body).not.toContain(token.split('.')[1]!)
    expect(body).not.toMatch(/eyJ/)
  })

  it('serves its public keys as a JWKS document', async () => {
    const response = await fetch(`http://127.0.0.1:${relay.port}/.well-known/jwks.json`)
    const jwks = (await response.json()) as { keys: Array<{ kid: string; kty: string; crv: string; d?: string }> }
    expect(jwks.keys[0]).toMatchObject({ kid: relay.keys.signingKey.kid, kty: 'OKP', crv: 'Ed25519' })
    expect(jwks.keys[0]?.d).toBeUndefined()
  })
})

describe('a y-websocket 3.x client refused with 44xx', () => {
  it('stops reconnecting', async () => {
    const client = connectClient('v3', relay.url, ROOM, await relay.mint('elsewhere', 'write'))
    const closes: number[] = []
    client.provider.on('connection-close', (event: { code: number } | null) => {
      if (event) closes.push(event.code)
    })
    await waitFor(() => closes.length > 0, 'the first refusal')
    // y-websocket's backoff would retry within a second or two if it were going to.
    await sleep(2000)
    client.destroy()
    expect(closes).toEqual([4403])
    expect(client.doc.getText('text').toString()).toBe('')
  })
})
