/**
 * Issue 14: prefix grants (`course-101/*`) reach every room under the prefix, existing or created
 * later, through the same routes; and presenters who are allowed open rooms of their own.
 */
import { rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { Grant } from '../../auth/grants.js'
import type { IssuedToken, SharedRoom } from '../../protocol/api-types.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { testIdentityProvider, type TestIdentityProvider } from '../support/identity.js'
import { makeDataDir, sleep, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { ApiClient, readAdminKey, roomPath } from '../support/token-service-client.js'

const fixture = useTestRelay()
const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function setup(roomCreators?: string[]): Promise<{ api: ApiClient; admin: ApiClient; idp: TestIdentityProvider }> {
  const dir = await makeDataDir()
  dirs.push(dir)
  const idp = await testIdentityProvider(dir)
  const relay = await fixture.start({}, {
    tokenService: { ...TOKEN_SERVICE_DEFAULTS, identity: idp.settings, ...(roomCreators ? { roomCreators } : {}) },
  })
  const api = new ApiClient(relay.url)
  return { api, admin: api.as(await readAdminKey(relay.dataDir)), idp }
}

const PREFIX = 'course-101/*'

describe('prefix grants', () => {
  it('admit a student to a room created after the grant, read-only, and only under the prefix', async () => {
    const { api, admin, idp } = await setup()
    const created = await admin.ok<{ grant: Grant }>('PUT', `${roomPath(PREFIX)}/grants/group%3Astudents`, { scope: 'read' }, 201)
    expect(created.grant).toMatchObject({ room: PREFIX, subject: 'group:students', scope: 'read' })
    const student = api.as(await idp.token('sam', ['students']))

    // week-9 did not exist when the grant was made: nobody has ever opened it.
    const teacherToken = await fixture.relay.mint('course-101/week-9', 'write', { sub: 'teacher' })
    const issued = await student.ok<IssuedToken>('POST', `${roomPath('course-101/week-9')}/token`)
    expect(issued).toMatchObject({ room: 'course-101/week-9', scope: 'read', grant: { id: created.grant.id } })
    const teacher = fixture.connect('v3', 'course-101/week-9', teacherToken)
    const sam = fixture.connect('v1', 'course-101/week-9', issued.token)
    await Promise.all([waitSynced(teacher), waitSynced(sam)])
    teacher.doc.getText('text').insert(0, 'week 9')
    await waitFor(() => text(sam.doc) === 'week 9', 'the student follows')
    sam.doc.getText('text').insert(0, 'X')
    await sleep(200)
    expect(text(teacher.doc)).toBe('week 9')

    expect(await student.raw('POST', `${roomPath('course-102/week-1')}/token`)).toMatchObject({ status: 403, body: { error: 'no_grant' } })
    expect(await student.raw('POST', `${roomPath('course-101')}/token`)).toMatchObject({ status: 403 })
    const { rooms } = await student.ok<{ rooms: SharedRoom[] }>('GET', '/me/rooms')
    expect(rooms).toEqual([expect.objectContaining({ room: PREFIX, via: 'group', scope: 'read' })])

    // Revoking the prefix grant ends the session in the room under it.
    const closed = new Promise<number>((resolve) => sam.provider.on('connection-close', (event: { code: number } | null) => event && resolve(event.code)))
    expect(await admin.ok('DELETE', `${roomPath(PREFIX)}/grants/group%3Astudents`)).toMatchObject({ sessionsEnded: 1 })
    expect(await closed).toBe(4403)
  })

  it('the strongest matching grant wins; a room lists the prefix grants above it; prefix admins manage its rooms', async () => {
    const { api, admin, idp } = await setup()
    await admin.ok('PUT', `${roomPath(PREFIX)}/grants/group%3Astudents`, { scope: 'read' }, 201)
    await admin.ok('PUT', `${roomPath('course-101/lab')}/grants/user%3Asam`, { scope: 'write' }, 201)
    await admin.ok('PUT', `${roomPath(PREFIX)}/grants/user%3Atina`, { scope: 'admin' }, 201)
    const sam = api.as(await idp.token('sam', ['students']))
    const tina = api.as(await idp.token('tina'))

    expect((await sam.ok<IssuedToken>('POST', `${roomPath('course-101/lab')}/token`)).scope).toBe('write')
    expect((await sam.ok<IssuedToken>('POST', `${roomPath('course-101/lecture')}/token`)).scope).toBe('read')
    const { grants } = await tina.ok<{ grants: Grant[] }>('GET', `${roomPath('course-101/lab')}/grants`)
    expect(grants.map((grant) => `${grant.room} ${grant.subject} ${grant.scope}`)).toEqual([
      'course-101/lab user:sam write',
      'course-101/* group:students read',
      'course-101/* user:tina admin',
    ])
    await tina.ok('POST', `${roomPath('course-101/new')}/links`, { scope: 'read' }, 201)
    await tina.ok('PUT', `${roomPath('course-101/sub/*')}/grants/user%3Ata`, { scope: 'write' }, 201)
    expect(await tina.raw('POST', `${roomPath('course-102/x')}/links`, { scope: 'read' })).toMatchObject({ status: 403 })
    expect(await admin.raw('POST', `${roomPath(PREFIX)}/links`, { scope: 'read' })).toMatchObject({ status: 400, body: { error: 'invalid_room' } })
    expect(await admin.raw('PUT', `${roomPath('course-101*')}/grants/user%3Ax`, { scope: 'read' })).toMatchObject({ status: 400, body: { error: 'invalid_room' } })
    expect(await tina.ok('DELETE', `/me/rooms/${encodeURIComponent(PREFIX)}`)).toMatchObject({ grant: { room: PREFIX } })
  })
})

describe('presenters who open their own rooms', () => {
  it('an allowed presenter opens a room under u/<user>/ and is its admin; others get 403', async () => {
    const { api, idp } = await setup(['group:staff'])
    const ada = api.as(await idp.token('ada@uni.edu', ['staff']))
    const opened = await ada.ok<{ room: string; grant: Grant }>('POST', '/rooms', { label: 'Intro to Yjs' }, 201)
    expect(opened.room).toMatch(/^u\/ada:40uni\.edu\/[A-Za-z0-9_-]{16}$/)
    expect(opened.grant).toMatchObject({ room: opened.room, subject: 'user:ada@uni.edu', scope: 'admin', label: 'Intro to Yjs' })
    const second = await ada.ok<{ room: string }>('POST', '/rooms', undefined, 201)
    expect(second.room).not.toBe(opened.room)
    await ada.ok('POST', `${roomPath(opened.room)}/links`, { scope: 'read' }, 201)
    const token = await ada.ok<IssuedToken>('POST', `${roomPath(opened.room)}/token`)
    const client = fixture.connect('v3', opened.room, token.token)
    await waitSynced(client)

    const student = api.as(await idp.token('sam', ['students']))
    expect(await student.raw('POST', '/rooms', {})).toMatchObject({ status: 403, body: { error: 'forbidden' } })
    const { code } = await ada.ok<{ code: string }>('POST', `${roomPath(opened.room)}/links`, { scope: 'read' }, 201)
    const guest = await api.ok<{ guestKey: string }>('POST', '/redeem', { code })
    expect(await api.as(guest.guestKey).raw('POST', '/rooms', {})).toMatchObject({ status: 403 })
    expect(await api.raw('POST', '/rooms', {})).toMatchObject({ status: 401 })
    expect(await ada.raw('POST', '/rooms', { label: 'x', owner: 'y' })).toMatchObject({ status: 400 })
  })

  it('nobody may open rooms by default', async () => {
    const { api, idp } = await setup()
    expect(await api.as(await idp.token('ada', ['staff'])).raw('POST', '/rooms', {})).toMatchObject({ status: 403 })
  })
})
