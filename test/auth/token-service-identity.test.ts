/** Group and user grants through identity tokens, verified against a local JWKS server. */
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import type { LecternApi } from '../../protocol/api-client.js'
import { isPermissionDenied } from '../../protocol/messages.js'
import { rawClient, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { adminApi, lecternApi, recordFrames } from '../support/token-service-client.js'

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

async function setup(): Promise<{ api: LecternApi; admin: LecternApi }> {
  const relay = await fixture.start({}, {
    tokenService: {
      ...TOKEN_SERVICE_DEFAULTS,
      identity: { jwksUrl, issuer: ISSUER, audience: AUDIENCE, userClaim: 'preferred_username', groupsClaim: 'groups', clockToleranceSeconds: 5 },
    },
  })
  return { api: lecternApi(relay.url), admin: await adminApi(relay) }
}

describe('identity tokens', () => {
  it('get a room token through a group grant, and the session follows the group grant', async () => {
    const { api, admin } = await setup()
    const room = 'handbook'
    expect((await admin.setGrant(room, 'group:staff', { scope: 'write' })).created).toBe(true)
    const alice = api.withCredential(await identityToken('alice', { groups: ['staff', 'chess club'] }))

    const issued = await alice.roomToken(room)
    expect(issued).toMatchObject({ room, scope: 'write', grant: { subject: 'group:staff' } })
    const aliceClient = fixture.connect('v3', room, issued.token)
    const reader = fixture.connect('v1', room, await fixture.relay.mint(room, 'read'))
    await Promise.all([waitSynced(aliceClient), waitSynced(reader)])
    aliceClient.doc.getText('text').insert(0, 'written by staff')
    await waitFor(() => text(reader.doc) === 'written by staff', 'the group member writes')

    expect(await alice.myRooms()).toEqual([expect.objectContaining({ room, scope: 'write', via: 'group', subject: 'group:staff' })])
    await expect(alice.leaveRoom(room)).rejects.toMatchObject({ status: 409, code: 'group_grant' })

    const frames = recordFrames(aliceClient)
    expect(await admin.setGrant(room, 'group:staff', { scope: 'read' })).toMatchObject({ sessionsChanged: 1 })
    await waitFor(() => frames.some(isPermissionDenied), 'the group member is told the room went read-only')
  })

  it('refuses a user outside the groups, and tokens with the wrong audience, signer or expiry', async () => {
    const { api, admin } = await setup()
    await admin.setGrant('handbook', 'group:staff', { scope: 'read' })
    const tokenFor = async (name: string, options: IdentityOptions) => api.withCredential(await identityToken(name, options)).roomToken('handbook')
    await expect(tokenFor('eve', { groups: ['sales'] })).rejects.toMatchObject({ status: 403, code: 'no_grant' })
    const otherSigner = (await generateKeyPair('ES256')).privateKey
    const refused: Array<[IdentityOptions, string]> = [
      [{ groups: ['staff'], audience: 'someone-else' }, 'claim "aud"'],
      [{ groups: ['staff'], key: otherSigner }, 'bad signature'],
      [{ groups: ['staff'], expiresIn: '-1m' }, 'expired'],
    ]
    for (const [options, reason] of refused) {
      await expect(tokenFor('mallory', options)).rejects.toMatchObject({ status: 401, message: expect.stringContaining(reason) })
    }
    await expect(tokenFor('anon-0123456789abcdef01234567', { groups: ['staff'] })).rejects.toMatchObject({ status: 401 })
  })

  it('redeem a link for the named user, and a group admin manages the room', async () => {
    const { api, admin } = await setup()
    await admin.setGrant('course', 'group:teachers', { scope: 'admin' })
    const teacher = api.withCredential(await identityToken('tara', { groups: ['teachers'] }))
    const { code } = await teacher.createLink('course', { scope: 'read', maxUses: 30 })

    const student = api.withCredential(await identityToken('sam'))
    const redeemed = await student.redeem({ code })
    expect(redeemed).toMatchObject({ subject: 'user:sam', scope: 'read' })
    expect(redeemed.guestKey).toBeUndefined()
    const grants = await teacher.listGrants('course')
    expect(grants.map((grant) => [grant.subject, grant.scope])).toEqual([['group:teachers', 'admin'], ['user:sam', 'read']])

    const session = rawClient(fixture.relay.url, 'course', (await student.roomToken('course')).token)
    await session.opened
    expect(await teacher.revokeGrant('course', 'user:sam')).toMatchObject({ sessionsEnded: 1 })
    expect(await session.closed).toEqual({ code: 4403, reason: 'grant revoked' })
  })
})
