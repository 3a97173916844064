/** The token service API over real HTTP: refusals, the redeem race, refresh, leaving, keys. */
import { describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import { hashSecret } from '../../auth/secrets.js'
import type { LecternApi } from '../../protocol/api-client.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import type { RelayConfig } from '../../relay/config.js'
import type { WebsocketProvider as ProviderV3 } from 'y-websocket'
import { rawClient, sleep, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { adminApi, ApiClient, lecternApi, readAdminKey, roomPath } from '../support/token-service-client.js'
import { ManualClock } from '../support/manual-clock.js'
import { storedAccessData } from '../support/backends.js'

const fixture = useTestRelay()

/** The relay's clock: tests move it to see links and tokens expire. */
let clock: ManualClock

/**
 * The typed client for what an application does, and straight HTTP (`http`, `adminHttp`) where a
 * test looks at exact statuses, bodies the client would not send, or routes it has no method for.
 */
async function setup(settings = TOKEN_SERVICE_DEFAULTS, config: Partial<RelayConfig> = {}): Promise<{ api: LecternApi; admin: LecternApi; http: ApiClient; adminHttp: ApiClient }> {
  clock = new ManualClock()
  const relay = await fixture.start(config, { tokenService: settings, clock })
  const http = new ApiClient(relay.url)
  return { api: lecternApi(relay.url), admin: await adminApi(relay), http, adminHttp: http.as(await readAdminKey(relay.dataDir)) }
}

/** Moves the relay's clock a second past the token's `exp`. */
function movePastExpiry(token: string): void {
  const { exp } = decodeJwt(token)
  clock.advance(exp! * 1000 + 1000 - clock.now().getTime())
}

describe('share codes', () => {
  it('refuses expired, used-up, revoked and unknown codes with 410 and 404', async () => {
    const { api, admin, http, adminHttp } = await setup()
    const expiring = await admin.createLink('r', { scope: 'read', expiresInSeconds: 1 })
    // Once over straight HTTP: a new link is answered with 201.
    const once = await adminHttp.ok<{ code: string }>('POST', `${roomPath('r')}/links`, { scope: 'read', maxUses: 1 }, 201)
    const revoked = await admin.createLink('r', { scope: 'write' })
    await api.redeem({ code: once.code })
    await admin.revokeLink('r', revoked.link.id)
    clock.advance(1100)

    expect(await http.raw('POST', '/redeem', { code: expiring.code })).toMatchObject({ status: 410, body: { error: 'link_expired' } })
    expect(await http.raw('POST', '/redeem', { code: once.code })).toMatchObject({ status: 410, body: { error: 'link_used_up' } })
    await expect(api.redeem({ code: revoked.code })).rejects.toMatchObject({ status: 410, code: 'link_revoked' })
    await expect(api.redeem({ code: 'lct_share_not-a-real-code' })).rejects.toMatchObject({ status: 404, code: 'unknown_code' })
    const links = await admin.listLinks('r')
    expect(links.map((link) => link.status)).toEqual(['expired', 'used_up', 'revoked'])
    expect(JSON.stringify(links)).not.toContain('codeHash')
  })

  it('admits exactly one of twenty concurrent redeems of a link with one use left', async () => {
    const { admin, http } = await setup()
    const { code } = await admin.createLink('race', { scope: 'write', maxUses: 1 })
    const answers = await Promise.all(Array.from({ length: 20 }, () => http.raw('POST', '/redeem', { code })))
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1)
    expect(answers.filter((answer) => answer.status === 410)).toHaveLength(19)
    expect(await admin.listGrants('race')).toHaveLength(1)
  })

  it('gives codes of at least 128 random bits, URL-safe, never stored in clear', async () => {
    const { admin } = await setup()
    const { code } = await admin.createLink('r', { scope: 'read' })
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
    const { http, adminHttp } = await setup()
    const links = `${roomPath('r')}/links`
    const cases: Array<[ApiClient, string, string, unknown, string]> = [
      [adminHttp, 'POST', links, { scope: 'owner' }, '"scope" must be "read", "write" or "admin"'],
      [adminHttp, 'POST', links, { scope: 'read', maxUses: 0 }, '"maxUses" must be a positive integer'],
      [adminHttp, 'POST', links, { scope: 'read', expiresInSeconds: 31 * 86400 }, 'above this server\'s maximum'],
      [adminHttp, 'POST', links, { scope: 'read', colour: 'red' }, 'unknown field "colour"'],
      [adminHttp, 'POST', links, [1, 2], 'the body must be a JSON object'],
      [http, 'POST', '/redeem', {}, '"code" is required'],
      [adminHttp, 'PUT', `${roomPath('r')}/grants/bob`, { scope: 'read' }, 'expected user:NAME or group:NAME'],
      [adminHttp, 'POST', `${roomPath('bad room')}/links`, { scope: 'read' }, 'a room name is'],
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
    const { api, admin, http } = await setup()
    const { code } = await admin.createLink('r', { scope: 'write' })
    const writer = await api.redeem({ code })
    await expect(api.listGrants('r')).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    await expect(api.withCredential('lct_admin_guess').listGrants('r')).rejects.toMatchObject({ status: 401 })
    const asWriter = api.withCredential(writer.guestKey!)
    await expect(asWriter.listGrants('r')).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    await expect(asWriter.rotateKeys()).rejects.toMatchObject({ status: 403 })
    expect(await http.raw('GET', '/rooms/r/nothing')).toMatchObject({ status: 404, body: { error: 'not_found' } })
    expect(await http.raw('PATCH', `${roomPath('r')}/links`)).toMatchObject({ status: 405 })
  })

  it('lets a room admin manage that room and no other', async () => {
    const { api, admin } = await setup()
    const { code } = await admin.createLink('mine', { scope: 'admin', maxUses: 1 })
    const owner = api.withCredential((await api.redeem({ code })).guestKey!)
    expect(await owner.setGrant('mine', 'user:bob', { scope: 'write' })).toMatchObject({ created: true })
    await owner.createLink('mine', { scope: 'read' })
    await expect(owner.listGrants('theirs')).rejects.toMatchObject({ status: 403 })
  })
})

describe('grant-backed sessions', () => {
  it('outlive their token, which a refresh replaces while the grant stands', async () => {
    const { api, admin } = await setup({ ...TOKEN_SERVICE_DEFAULTS, tokenTtlSeconds: 60 }, { clockToleranceSeconds: 0 })
    const { code } = await admin.createLink('long', { scope: 'write' })
    const redeemed = await api.redeem({ code })
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
    const refreshed = await api.withCredential(redeemed.guestKey!).roomToken('long')
    expect(refreshed).toMatchObject({ room: 'long', scope: 'write', grant: { id: redeemed.grant.id } })
    const fresh = fixture.connect('v1', 'long', refreshed.token)
    await waitFor(() => text(fresh.doc) === 'still here', 'refreshed token admits')
  })

  it('reconnect after a network drop past exp: 4401, then the README recipe refreshes and resumes', async () => {
    const { api, admin } = await setup({ ...TOKEN_SERVICE_DEFAULTS, tokenTtlSeconds: 60 }, { clockToleranceSeconds: 0 })
    const { code } = await admin.createLink('flaky', { scope: 'write' })
    const redeemed = await api.redeem({ code })
    const guest = api.withCredential(redeemed.guestKey!)
    const client = fixture.connect('v3', 'flaky', redeemed.token)
    const provider = client.provider as ProviderV3
    const terminal: number[] = []
    provider.on('closed', async ({ code: closeCode }: { code: number }) => {
      terminal.push(closeCode)
      if (closeCode !== 4401) return
      provider.params.token = (await guest.roomToken('flaky')).token
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
    const first = await admin.createLink('one', { scope: 'read' })
    const second = await admin.createLink('two', { scope: 'write' })
    const joined = await api.redeem({ code: first.code })
    const guest = api.withCredential(joined.guestKey!)
    const again = await guest.redeem({ code: second.code })
    expect(again.subject).toBe(joined.subject)
    expect(again.guestKey).toBeUndefined()

    const rooms = await guest.myRooms()
    expect(rooms.map((room) => [room.room, room.scope, room.via])).toEqual([['one', 'read', 'user'], ['two', 'write', 'user']])

    const session = rawClient(fixture.relay.url, 'two', again.token)
    await session.opened
    expect(await guest.leaveRoom('two')).toMatchObject({ sessionsEnded: 1 })
    expect(await session.closed).toEqual({ code: 4403, reason: 'left the room' })
    const rejoin = rawClient(fixture.relay.url, 'two', again.token)
    expect(await rejoin.closed).toEqual({ code: 4403, reason: 'grant revoked' })
    expect((await guest.myRooms()).map((room) => room.room)).toEqual(['one'])
    await expect(guest.leaveRoom('two')).rejects.toMatchObject({ status: 404 })
  })

  it('a revoked grant closes its sessions with 4403 and refuses the reconnect; a grant-less token is untouched', async () => {
    const { api, admin } = await setup()
    const { code } = await admin.createLink('r', { scope: 'write' })
    const redeemed = await api.redeem({ code })
    const granted = rawClient(fixture.relay.url, 'r', redeemed.token)
    const plain = rawClient(fixture.relay.url, 'r', await fixture.relay.mint('r', 'write', { sub: 'plain' }))
    await Promise.all([granted.opened, plain.opened])
    expect(await admin.revokeGrant('r', redeemed.subject)).toMatchObject({ sessionsEnded: 1 })
    expect(await granted.closed).toEqual({ code: 4403, reason: 'grant revoked' })
    expect(await rawClient(fixture.relay.url, 'r', redeemed.token).closed).toEqual({ code: 4403, reason: 'grant revoked' })
    expect(plain.ws.readyState).toBe(plain.ws.OPEN)
    plain.ws.close()
  })

  it('a link revoked with endSessions=false stops new redeems and leaves existing grants', async () => {
    const { api, admin } = await setup()
    const { code, link } = await admin.createLink('r', { scope: 'read' })
    const redeemed = await api.redeem({ code })
    const session = rawClient(fixture.relay.url, 'r', redeemed.token)
    await session.opened
    expect(await admin.revokeLink('r', link.id, { endSessions: false })).toMatchObject({ grantsRevoked: 0, sessionsEnded: 0 })
    await expect(api.redeem({ code })).rejects.toMatchObject({ status: 410 })
    await sleep(100)
    expect(session.ws.readyState).toBe(session.ws.OPEN)
    session.ws.close()
  })
})

describe('keys', () => {
  it('rotate through the API: the new key signs, the old one keeps verifying', async () => {
    const { api, admin } = await setup()
    const { code } = await admin.createLink('r', { scope: 'read' })
    const before = await api.redeem({ code })
    const rotated = await admin.rotateKeys()
    expect(rotated.graceSeconds).toBe(TOKEN_SERVICE_DEFAULTS.tokenTtlSeconds + 5)
    const jwks = (await (await fetch(`${fixture.relay.url.replace('ws', 'http')}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
    expect(jwks.keys.map((key) => key.kid)).toContain(rotated.keyId)
    expect(jwks.keys).toHaveLength(2)
    const old = rawClient(fixture.relay.url, 'r', before.token)
    await old.opened
    const after = await api.withCredential(before.guestKey!).roomToken('r')
    const header = JSON.parse(Buffer.from(after.token.split('.')[0]!, 'base64url').toString()) as { kid: string }
    expect(header.kid).toBe(rotated.keyId)
    old.ws.close()
  })
})
