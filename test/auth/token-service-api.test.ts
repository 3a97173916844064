/** The token service API over real HTTP: refusals, the redeem race, refresh, leaving, keys. */
import { describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import type { Grant } from '../../auth/grants.js'
import { hashSecret } from '../../auth/secrets.js'
import type { IssuedToken, Link, Redeemed, SharedRoom } from '../../protocol/api-types.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import type { RelayConfig } from '../../relay/config.js'
import type { WebsocketProvider as ProviderV3 } from 'y-websocket'
import { rawClient, sleep, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, roomPath } from '../support/token-service-client.js'
import { ManualClock } from '../support/manual-clock.js'
import { storedAccessData } from '../support/backends.js'

const fixture = useTestRelay()


/** The relay's clock: tests move it to see links and tokens expire. */
let clock: ManualClock

async function setup(settings = TOKEN_SERVICE_DEFAULTS, config: Partial<RelayConfig> = {}): Promise<{ api: ApiClient; admin: ApiClient }> {
  clock = new ManualClock()
  const relay = await fixture.start(config, { tokenService: settings, clock })
  const api = new ApiClient(relay.url)
  return { api, admin: api.as(await readAdminKey(relay.dataDir)) }
}

/** Moves the relay's clock a second past the token's `exp`. */
function movePastExpiry(token: string): void {
  const { exp } = decodeJwt(token)
  clock.advance(exp! * 1000 + 1000 - clock.now().getTime())
}

async function createLink(admin: ApiClient, room: string, body: Record<string, unknown>): Promise<{ code: string; link: Link }> {
  return admin.ok('POST', `${roomPath(room)}/links`, body, 201)
}

describe('share codes', () => {
  it('refuses expired, used-up, revoked and unknown codes with 410 and 404', async () => {
    const { api, admin } = await setup()
    const expiring = await createLink(admin, 'r', { scope: 'read', expiresInSeconds: 1 })
    const once = await createLink(admin, 'r', { scope: 'read', maxUses: 1 })
    const revoked = await createLink(admin, 'r', { scope: 'write' })
    await api.ok('POST', '/redeem', { code: once.code })
    await admin.ok('DELETE', `${roomPath('r')}/links/${revoked.link.id}`)
    clock.advance(1100)

    expect(await api.raw('POST', '/redeem', { code: expiring.code })).toMatchObject({ status: 410, body: { error: 'link_expired' } })
    expect(await api.raw('POST', '/redeem', { code: once.code })).toMatchObject({ status: 410, body: { error: 'link_used_up' } })
    expect(await api.raw('POST', '/redeem', { code: revoked.code })).toMatchObject({ status: 410, body: { error: 'link_revoked' } })
    expect(await api.raw('POST', '/redeem', { code: 'lct_share_not-a-real-code' })).toMatchObject({ status: 404, body: { error: 'unknown_code' } })
    const { links } = await admin.ok<{ links: Link[] }>('GET', `${roomPath('r')}/links`)
    expect(links.map((link) => link.status)).toEqual(['expired', 'used_up', 'revoked'])
    expect(JSON.stringify(links)).not.toContain('codeHash')
  })

  it('admits exactly one of twenty concurrent redeems of a link with one use left', async () => {
    const { api, admin } = await setup()
    const { code } = await createLink(admin, 'race', { scope: 'write', maxUses: 1 })
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.raw('POST', '/redeem', { code })))
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1)
    expect(answers.filter((answer) => answer.status === 410)).toHaveLength(19)
    const { grants } = await admin.ok<{ grants: Grant[] }>('GET', `${roomPath('race')}/grants`)
    expect(grants).toHaveLength(1)
  })

  it('gives codes of at least 128 random bits, URL-safe, never stored in clear', async () => {
    const { admin } = await setup()
    const { code } = await createLink(admin, 'r', { scope: 'read' })
    const random = code.replace(/^lct_share_/, '')
    expect(random).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(random.length * 6).toBeGreaterThanOrEqual(128)
    const stored = await storedAccessData(fixture.relay.dataDir)
    expect(stored).toContain(hashSecret(code))
    expect(stored).not.toContain(random)
  })
})

describe('request validation and permissions', () => {
  it('answers bad bodies with 400 saying what is wrong', async () => {
    const { api, admin } = await setup()
    const links = `${roomPath('r')}/links`
    const cases: Array<[ApiClient, string, string, unknown, string]> = [
      [admin, 'POST', links, { scope: 'owner' }, '"scope" must be "read", "write" or "admin"'],
      [admin, 'POST', links, { scope: 'read', maxUses: 0 }, '"maxUses" must be a positive integer'],
      [admin, 'POST', links, { scope: 'read', expiresInSeconds: 31 * 86400 }, 'above this server\'s maximum'],
      [admin, 'POST', links, { scope: 'read', colour: 'red' }, 'unknown field "colour"'],
      [admin, 'POST', links, [1, 2], 'the body must be a JSON object'],
      [api, 'POST', '/redeem', {}, '"code" is required'],
      [admin, 'PUT', `${roomPath('r')}/grants/bob`, { scope: 'read' }, 'expected user:NAME or group:NAME'],
      [admin, 'POST', `${roomPath('bad room')}/links`, { scope: 'read' }, 'a room name is'],
    ]
    for (const [client, method, path, body, message] of cases) {
      const answer = await client.raw(method, path, body)
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400)
      expect((answer.body as { message: string }).message).toContain(message)
    }
    const notJson = await fetch(`${fixture.relay.url.replace('ws', 'http')}/api/v1/redeem`, { method: 'POST', body: '{"code":' })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toEqual({ error: 'invalid_json', message: 'the body is not valid JSON' })
  })

  it('answers 401 without or with a bad credential, 403 without the right grant', async () => {
    const { api, admin } = await setup()
    const { code } = await createLink(admin, 'r', { scope: 'write' })
    const writer = await api.ok<Redeemed>('POST', '/redeem', { code })
    expect(await api.raw('GET', `${roomPath('r')}/grants`)).toMatchObject({ status: 401, body: { error: 'unauthorized' } })
    expect(await api.as('lct_admin_guess').raw('GET', `${roomPath('r')}/grants`)).toMatchObject({ status: 401 })
    const asWriter = api.as(writer.guestKey!)
    expect(await asWriter.raw('GET', `${roomPath('r')}/grants`)).toMatchObject({ status: 403, body: { error: 'forbidden' } })
    expect(await asWriter.raw('POST', '/keys/rotate')).toMatchObject({ status: 403 })
    expect(await api.raw('GET', '/rooms/r/nothing')).toMatchObject({ status: 404, body: { error: 'not_found' } })
    expect(await api.raw('PATCH', `${roomPath('r')}/links`)).toMatchObject({ status: 405 })
  })

  it('lets a room admin manage that room and no other', async () => {
    const { api, admin } = await setup()
    const { code } = await createLink(admin, 'mine', { scope: 'admin', maxUses: 1 })
    const owner = api.as((await api.ok<Redeemed>('POST', '/redeem', { code })).guestKey!)
    await owner.ok('PUT', `${roomPath('mine')}/grants/user:bob`, { scope: 'write' }, 201)
    await owner.ok('POST', `${roomPath('mine')}/links`, { scope: 'read' }, 201)
    expect(await owner.raw('GET', `${roomPath('theirs')}/grants`)).toMatchObject({ status: 403 })
  })
})

describe('grant-backed sessions', () => {
  it('outlive their token, which a refresh replaces while the grant stands', async () => {
    const { api, admin } = await setup({ ...TOKEN_SERVICE_DEFAULTS, tokenTtlSeconds: 60 }, { clockToleranceSeconds: 0 })
    const { code } = await createLink(admin, 'long', { scope: 'write' })
    const redeemed = await api.ok<Redeemed>('POST', '/redeem', { code })
    const client = fixture.connect('v3', 'long', redeemed.token)
    const grantless = rawClient(fixture.relay.url, 'long', await fixture.relay.mint('long', 'read', { ttlSeconds: 60 }))
    await waitSynced(client)
    await grantless.opened
    // Past exp: the grant-less session ends with 4401 at the next sweep; that same sweep keeps the grant-backed one.
    movePastExpiry(redeemed.token)
    expect(await grantless.closed).toEqual({ code: 4401, reason: 'token expired' })
    expect(client.provider.wsconnected).toBe(true)
    client.doc.getText('text').insert(0, 'still here')
    await waitFor(() => fixture.relay.relay.rooms.get('long')?.doc.getText('text').toString() === 'still here', 'write after exp lands')

    const stale = rawClient(fixture.relay.url, 'long', redeemed.token)
    expect(await stale.closed).toEqual({ code: 4401, reason: 'token expired' })
    const refreshed = await api.as(redeemed.guestKey!).ok<IssuedToken>('POST', `${roomPath('long')}/token`)
    expect(refreshed).toMatchObject({ room: 'long', scope: 'write', grant: { id: redeemed.grant.id } })
    const fresh = fixture.connect('v1', 'long', refreshed.token)
    await waitFor(() => text(fresh.doc) === 'still here', 'refreshed token admits')
  })

  it('reconnect after a network drop past exp: 4401, then the README recipe refreshes and resumes', async () => {
    const { api, admin } = await setup({ ...TOKEN_SERVICE_DEFAULTS, tokenTtlSeconds: 60 }, { clockToleranceSeconds: 0 })
    const { code } = await createLink(admin, 'flaky', { scope: 'write' })
    const redeemed = await api.ok<Redeemed>('POST', '/redeem', { code })
    const guest = api.as(redeemed.guestKey!)
    const client = fixture.connect('v3', 'flaky', redeemed.token)
    const provider = client.provider as ProviderV3
    const terminal: number[] = []
    provider.on('closed', async ({ code: closeCode }: { code: number }) => {
      terminal.push(closeCode)
      if (closeCode !== 4401) return
      provider.params.token = (await guest.ok<IssuedToken>('POST', `${roomPath('flaky')}/token`)).token
      provider.connect()
    })
    await waitSynced(client)
    movePastExpiry(redeemed.token)
    for (const session of fixture.relay.relay.sessions) session.ws.terminate()
    await waitFor(() => terminal.includes(4401), 'the reconnect with the expired token is refused')
    await waitFor(() => provider.wsconnected && provider.synced, 'the refreshed token reconnects')
    client.doc.getText('text').insert(0, 'back')
    await waitFor(() => fixture.relay.relay.rooms.get('flaky')?.doc.getText('text').toString() === 'back', 'writes land again')
  })

  it('a user lists the rooms shared with them and leaves one, ending their session', async () => {
    const { api, admin } = await setup()
    const first = await createLink(admin, 'one', { scope: 'read' })
    const second = await createLink(admin, 'two', { scope: 'write' })
    const joined = await api.ok<Redeemed>('POST', '/redeem', { code: first.code })
    const guest = api.as(joined.guestKey!)
    const again = await guest.ok<Redeemed>('POST', '/redeem', { code: second.code })
    expect(again.subject).toBe(joined.subject)
    expect(again.guestKey).toBeUndefined()

    const { rooms } = await guest.ok<{ rooms: SharedRoom[] }>('GET', '/me/rooms')
    expect(rooms.map((room) => [room.room, room.scope, room.via])).toEqual([['one', 'read', 'user'], ['two', 'write', 'user']])

    const session = rawClient(fixture.relay.url, 'two', again.token)
    await session.opened
    expect(await guest.ok('DELETE', '/me/rooms/two')).toMatchObject({ sessionsEnded: 1 })
    expect(await session.closed).toEqual({ code: 4403, reason: 'left the room' })
    const rejoin = rawClient(fixture.relay.url, 'two', again.token)
    expect(await rejoin.closed).toEqual({ code: 4403, reason: 'grant revoked' })
    expect((await guest.ok<{ rooms: SharedRoom[] }>('GET', '/me/rooms')).rooms.map((room) => room.room)).toEqual(['one'])
    expect(await guest.raw('DELETE', '/me/rooms/two')).toMatchObject({ status: 404 })
  })

  it('a revoked grant closes its sessions with 4403 and refuses the reconnect; a grant-less token is untouched', async () => {
    const { api, admin } = await setup()
    const { code } = await createLink(admin, 'r', { scope: 'write' })
    const redeemed = await api.ok<Redeemed>('POST', '/redeem', { code })
    const granted = rawClient(fixture.relay.url, 'r', redeemed.token)
    const plain = rawClient(fixture.relay.url, 'r', await fixture.relay.mint('r', 'write', { sub: 'plain' }))
    await Promise.all([granted.opened, plain.opened])
    const grantPath = `${roomPath('r')}/grants/${encodeURIComponent(redeemed.subject)}`
    expect(await admin.ok('DELETE', grantPath)).toMatchObject({ sessionsEnded: 1 })
    expect(await granted.closed).toEqual({ code: 4403, reason: 'grant revoked' })
    expect(await rawClient(fixture.relay.url, 'r', redeemed.token).closed).toEqual({ code: 4403, reason: 'grant revoked' })
    expect(plain.ws.readyState).toBe(plain.ws.OPEN)
    plain.ws.close()
  })

  it('a link revoked with endSessions=false stops new redeems and leaves existing grants', async () => {
    const { api, admin } = await setup()
    const { code, link } = await createLink(admin, 'r', { scope: 'read' })
    const redeemed = await api.ok<Redeemed>('POST', '/redeem', { code })
    const session = rawClient(fixture.relay.url, 'r', redeemed.token)
    await session.opened
    expect(await admin.ok('DELETE', `${roomPath('r')}/links/${link.id}?endSessions=false`)).toMatchObject({ grantsRevoked: 0, sessionsEnded: 0 })
    expect(await api.raw('POST', '/redeem', { code })).toMatchObject({ status: 410 })
    await sleep(100)
    expect(session.ws.readyState).toBe(session.ws.OPEN)
    session.ws.close()
  })
})

describe('keys', () => {
  it('rotate through the API: the new key signs, the old one keeps verifying', async () => {
    const { api, admin } = await setup()
    const { code } = await createLink(admin, 'r', { scope: 'read' })
    const before = await api.ok<Redeemed>('POST', '/redeem', { code })
    const rotated = await admin.ok<{ keyId: string; graceSeconds: number }>('POST', '/keys/rotate', {})
    expect(rotated.graceSeconds).toBe(TOKEN_SERVICE_DEFAULTS.tokenTtlSeconds + 5)
    const jwks = (await (await fetch(`${fixture.relay.url.replace('ws', 'http')}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
    expect(jwks.keys.map((key) => key.kid)).toContain(rotated.keyId)
    expect(jwks.keys).toHaveLength(2)
    const old = rawClient(fixture.relay.url, 'r', before.token)
    await old.opened
    const after = await api.as(before.guestKey!).ok<IssuedToken>('POST', `${roomPath('r')}/token`)
    const header = JSON.parse(Buffer.from(after.token.split('.')[0]!, 'base64url').toString()) as { kid: string }
    expect(header.kid).toBe(rotated.keyId)
    old.ws.close()
  })
})
