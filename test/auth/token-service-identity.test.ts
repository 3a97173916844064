/** Group and user grants through identity tokens, verified against a local JWKS server. */
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Grant } from '../../auth/grants.js'
import type { IssuedToken, Redeemed, SharedRoom } from '../../protocol/api-types.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { isPermissionDenied } from '../../protocol/messages.js'
import { rawClient, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, recordFrames, roomPath } from '../support/token-service-client.js'

const ISSUER = 'https://idp.example.test'
const AUDIENCE = 'lectern'

let jwksServer: Server
let jwksUrl: string
let signingKey: CryptoKey
const fixture = useTestRelay()

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  signingKey = privateKey
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'idp-key-1', alg: 'ES256', use: 'sig' }
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: [jwk] }))
  })
  jwksServer.listen(0, '127.0.0.1')
  await once(jwksServer, 'listening')
  const address = jwksServer.address() as { port: number }
  jwksUrl = `http://127.0.0.1:${address.port}/.well-known/jwks.json`
})

afterAll(async () => {
  jwksServer.close()
})


interface IdentityOptions {
  groups?: string[]
  audience?: string
  expiresIn?: string
  key?: CryptoKey
}

async function identityToken(user: string, options: IdentityOptions = {}): Promise<string> {
  return new SignJWT({ preferred_username: user, groups: options.groups ?? [] })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-key-1' })
    .setIssuer(ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject(`idp|${user}`)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(options.key ?? signingKey)
}

async function setup(): Promise<{ api: ApiClient; admin: ApiClient }> {
  const relay = await fixture.start({}, {
    tokenService: {
      ...TOKEN_SERVICE_DEFAULTS,
      identity: { jwksUrl, issuer: ISSUER, audience: AUDIENCE, userClaim: 'preferred_username', groupsClaim: 'groups', clockToleranceSeconds: 5 },
    },
  })
  const api = new ApiClient(relay.url)
  return { api, admin: api.as(await readAdminKey(relay.dataDir)) }
}

describe('identity tokens', () => {
  it('get a room token through a group grant, and the session follows the group grant', async () => {
    const { api, admin } = await setup()
    const room = 'handbook'
    await admin.ok('PUT', `${roomPath(room)}/grants/group:staff`, { scope: 'write' }, 201)
    const alice = api.as(await identityToken('alice', { groups: ['staff', 'chess club'] }))

    const issued = await alice.ok<IssuedToken>('POST', `${roomPath(room)}/token`)
    expect(issued).toMatchObject({ room, scope: 'write', grant: { subject: 'group:staff' } })
    const aliceClient = fixture.connect('v3', room, issued.token)
    const reader = fixture.connect('v1', room, await fixture.relay.mint(room, 'read'))
    await Promise.all([waitSynced(aliceClient), waitSynced(reader)])
    aliceClient.doc.getText('text').insert(0, 'written by staff')
    await waitFor(() => text(reader.doc) === 'written by staff', 'the group member writes')

    const { rooms } = await alice.ok<{ rooms: SharedRoom[] }>('GET', '/me/rooms')
    expect(rooms).toEqual([expect.objectContaining({ room, scope: 'write', via: 'group', subject: 'group:staff' })])
    expect(await alice.raw('DELETE', `/me/rooms/${room}`)).toMatchObject({ status: 409, body: { error: 'group_grant' } })

    const frames = recordFrames(aliceClient)
    expect(await admin.ok('PUT', `${roomPath(room)}/grants/group:staff`, { scope: 'read' })).toMatchObject({ sessionsChanged: 1 })
    await waitFor(() => frames.some(isPermissionDenied), 'the group member is told the room went read-only')
  })

  it('refuses a user outside the groups, and tokens with the wrong audience, signer or expiry', async () => {
    const { api, admin } = await setup()
    await admin.ok('PUT', `${roomPath('handbook')}/grants/group:staff`, { scope: 'read' }, 201)
    const token = `${roomPath('handbook')}/token`
    expect(await api.as(await identityToken('eve', { groups: ['sales'] })).raw('POST', token)).toMatchObject({
      status: 403,
      body: { error: 'no_grant' },
    })
    const otherSigner = (await generateKeyPair('ES256')).privateKey
    const refused: Array<[IdentityOptions, string]> = [
      [{ groups: ['staff'], audience: 'someone-else' }, 'claim "aud"'],
      [{ groups: ['staff'], key: otherSigner }, 'bad signature'],
      [{ groups: ['staff'], expiresIn: '-1m' }, 'expired'],
    ]
    for (const [options, reason] of refused) {
      const answer = await api.as(await identityToken('mallory', options)).raw('POST', token)
      expect(answer.status).toBe(401)
      expect((answer.body as { message: string }).message).toContain(reason)
    }
    const impostor = await api.as(await identityToken('anon-0123456789abcdef01234567', { groups: ['staff'] })).raw('POST', token)
    expect(impostor.status).toBe(401)
  })

  it('redeem a link for the named user, and a group admin manages the room', async () => {
    const { api, admin } = await setup()
    await admin.ok('PUT', `${roomPath('course')}/grants/group:teachers`, { scope: 'admin' }, 201)
    const teacher = api.as(await identityToken('tara', { groups: ['teachers'] }))
    const { code } = await teacher.ok<{ code: string }>('POST', `${roomPath('course')}/links`, { scope: 'read', maxUses: 30 }, 201)

    const student = api.as(await identityToken('sam'))
    const redeemed = await student.ok<Redeemed>('POST', '/redeem', { code })
    expect(redeemed).toMatchObject({ subject: 'user:sam', scope: 'read' })
    expect(redeemed.guestKey).toBeUndefined()
    const { grants } = await teacher.ok<{ grants: Grant[] }>('GET', `${roomPath('course')}/grants`)
    expect(grants.map((grant) => [grant.subject, grant.scope])).toEqual([['group:teachers', 'admin'], ['user:sam', 'read']])

    const session = rawClient(fixture.relay.url, 'course', (await student.ok<IssuedToken>('POST', `${roomPath('course')}/token`)).token)
    await session.opened
    expect(await teacher.ok('DELETE', `${roomPath('course')}/grants/user:sam`)).toMatchObject({ sessionsEnded: 1 })
    expect(await session.closed).toEqual({ code: 4403, reason: 'grant revoked' })
  })
})
