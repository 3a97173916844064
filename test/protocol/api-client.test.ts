/** The typed API client against a real relay: every route, typed refusals, network failures. */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LecternApi, apiUrlOfRelay } from '../../protocol/api-client.js'
import { API_ERROR_CODES, LecternApiError } from '../../protocol/api-error.js'
import { readAdminKey } from '../support/token-service-client.js'
import { useTestRelay } from '../support/relay-fixture.js'

const fixture = useTestRelay()

async function setup(): Promise<{ anonymous: LecternApi; admin: LecternApi; calls: string[] }> {
  const relay = await fixture.start()
  const calls: string[] = []
  const anonymous = new LecternApi({
    api: apiUrlOfRelay(relay.url),
    fetch: (input, init) => {
      calls.push(`${init.method} ${new URL(input).pathname}`)
      return fetch(input, init)
    },
  })
  return { anonymous, admin: anonymous.withCredential(await readAdminKey(relay.dataDir)), calls }
}

async function refusal(call: Promise<unknown>): Promise<LecternApiError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!(error instanceof LecternApiError)) throw new Error(`expected a LecternApiError, got ${String(error)}`)
  return error
}

describe('LecternApi', () => {
  it('derives the API URL from the relay URL', () => {
    expect(apiUrlOfRelay('ws://127.0.0.1:1234')).toBe('http://127.0.0.1:1234/api/v1')
    expect(apiUrlOfRelay('wss://relay.example.org/')).toBe('https://relay.example.org/api/v1')
  })

  it('calls every route of the API through the injected fetch', async () => {
    const { anonymous, admin, calls } = await setup()
    const room = 'course-101/week-3'
    const { link, code } = await admin.createLink(room, { scope: 'read', maxUses: 5, label: 'attendees' })
    expect(link).toMatchObject({ room, scope: 'read', maxUses: 5, uses: 0, status: 'active', label: 'attendees' })

    const redeemed = await anonymous.redeem({ code, displayName: 'Ada' })
    expect(redeemed).toMatchObject({ room, scope: 'read', subject: expect.stringMatching(/^user:anon-/) })
    const guest = anonymous.withCredential(redeemed.guestKey)
    expect((await guest.roomToken(room)).token).toMatch(/^ey/)
    expect(await guest.myRooms()).toMatchObject([{ room, scope: 'read', via: 'user', subject: redeemed.subject }])

    expect((await admin.listLinks(room)).map((listed) => listed.uses)).toEqual([1])
    expect(await admin.listGrants(room)).toMatchObject([{ subject: redeemed.subject, displayName: 'Ada', scope: 'read' }])
    expect(await admin.setGrant(room, redeemed.subject, { scope: 'write' })).toMatchObject({ created: false, grant: { scope: 'write', revision: 2 } })
    expect(await admin.setGrant(room, 'user:bob', { scope: 'admin' })).toMatchObject({ created: true })
    expect(await admin.revokeGrant(room, 'user:bob')).toMatchObject({ grant: { subject: 'user:bob' }, sessionsEnded: 0 })
    expect(await admin.revokeLink(room, link.id, { endSessions: false })).toMatchObject({ grantsRevoked: 0, link: { status: 'revoked' } })
    expect(await guest.leaveRoom(room)).toMatchObject({ grant: { subject: redeemed.subject } })
    expect(await admin.rotateKeys({ graceSeconds: 60 })).toMatchObject({ graceSeconds: 60 })
    expect(await admin.liveRooms()).toEqual([])

    expect(new Set(calls)).toEqual(
      new Set([
        'POST /api/v1/rooms/course-101%2Fweek-3/links',
        'POST /api/v1/redeem',
        'POST /api/v1/rooms/course-101%2Fweek-3/token',
        'GET /api/v1/me/rooms',
        'GET /api/v1/rooms/course-101%2Fweek-3/links',
        'GET /api/v1/rooms/course-101%2Fweek-3/grants',
        `PUT /api/v1/rooms/course-101%2Fweek-3/grants/${encodeURIComponent(redeemed.subject)}`,
        'PUT /api/v1/rooms/course-101%2Fweek-3/grants/user%3Abob',
        'DELETE /api/v1/rooms/course-101%2Fweek-3/grants/user%3Abob',
        `DELETE /api/v1/rooms/course-101%2Fweek-3/links/${link.id}`,
        'DELETE /api/v1/me/rooms/course-101%2Fweek-3',
        'POST /api/v1/keys/rotate',
        'GET /api/v1/rooms',
      ]),
    )
  })

  it('throws the API refusals as LecternApiError with status and typed code', async () => {
    const { anonymous, admin } = await setup()
    const unknown = await refusal(anonymous.redeem({ code: 'lct_share_nope' }))
    expect(unknown).toMatchObject({ name: 'LecternApiError', status: 404, code: 'unknown_code', message: 'no share link has this code' })

    const forbidden = await refusal(anonymous.withCredential('lct_guest_made-up').listGrants('r'))
    expect(forbidden).toMatchObject({ status: 401, code: 'unauthorized' })

    const { link, code } = await admin.createLink('r', { scope: 'read' })
    await admin.revokeLink('r', link.id)
    expect(await refusal(anonymous.redeem({ code }))).toMatchObject({ status: 410, code: 'link_revoked' })
    expect(await refusal(admin.setGrant('r', 'nobody', { scope: 'read' }))).toMatchObject({ status: 400, code: 'invalid_subject' })
  })

  it('reports a relay that cannot be reached as network_error, keeping the cause', async () => {
    const relay = await fixture.start()
    const api = apiUrlOfRelay(relay.url)
    await relay.close()
    const error = await refusal(new LecternApi({ api }).myRooms())
    expect(error).toMatchObject({ status: 0, code: 'network_error' })
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('reports an answer that is not the API JSON as unexpected_response', async () => {
    const html = new LecternApi({ api: 'http://proxy.invalid/api/v1', fetch: async () => new Response('<h1>Bad gateway</h1>', { status: 502 }) })
    const error = await refusal(html.myRooms())
    expect(error).toMatchObject({ status: 502, code: 'unexpected_response' })
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })
})

/** Answered by the relay's static pages, never under /api/v1. */
const STATIC_PAGE_CODES = ['not_built']

/** Every TypeScript source of the token service and the HTTP layer. */
async function serverSources(): Promise<string[]> {
  const sources: string[] = []
  for (const folder of ['auth', 'relay']) {
    const root = fileURLToPath(new URL(`../../${folder}/`, import.meta.url))
    for (const file of await readdir(root, { recursive: true })) if (file.endsWith('.ts')) sources.push(join(root, file))
  }
  return sources
}

describe('API error codes', () => {
  it('include every code the token service and the HTTP layer answer with', async () => {
    const answered = new Set<string>()
    for (const source of await serverSources()) {
      const text = await readFile(source, 'utf8')
      for (const match of text.matchAll(/ServiceError\(\d+, '([a-z_]+)'/g)) answered.add(match[1]!)
      for (const match of text.matchAll(/sendError\(res, \d+, '([a-z_]+)'/g)) {
        if (!STATIC_PAGE_CODES.includes(match[1]!)) answered.add(match[1]!)
      }
      // A status chosen at run time: `new ServiceError(a ? 503 : 401, a ? 'x' : 'y', …)`.
      for (const line of text.split('\n').filter((line) => line.includes('ServiceError('))) {
        for (const match of line.matchAll(/\? '([a-z_]+)' : '([a-z_]+)'/g)) answered.add(match[1]!).add(match[2]!)
      }
      // Refusals kept in a table: `  link_expired: { status: 410, … }`.
      for (const match of text.matchAll(/^ {2}([a-z_]+): \{ status: [45]\d\d/gm)) answered.add(match[1]!)
    }
    expect([...answered]).toEqual(expect.arrayContaining(['unknown_code', 'link_revoked', 'identity_unavailable', 'no_grant', 'internal']))
    expect([...answered].filter((code) => !(API_ERROR_CODES as readonly string[]).includes(code))).toEqual([])
  })
})
