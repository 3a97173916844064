/**
 * Issue 14: prefix grants (`course-101/*`) reach every room under the prefix, existing or created
 * later, through the same routes; and presenters who are allowed open rooms of their own.
 */
import { rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { LecternApi } from '../../protocol/api-client.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { testIdentityProvider, type TestIdentityProvider } from '../support/identity.js'
import { makeDataDir, sleep, text, waitFor, waitSynced, useTestRelay } from '../support/relay-fixture.js'
import { adminApi, ApiClient, lecternApi } from '../support/token-service-client.js'

const fixture = useTestRelay()
const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function setup(roomCreators?: string[]): Promise<{ api: LecternApi; admin: LecternApi; idp: TestIdentityProvider; http: ApiClient }> {
  const dir = await makeDataDir()
  dirs.push(dir)
  const idp = await testIdentityProvider(dir)
  const relay = await fixture.start({}, {
    tokenService: { ...TOKEN_SERVICE_DEFAULTS, identity: idp.settings, ...(roomCreators ? { roomCreators } : {}) },
  })
  // Straight HTTP for requests the typed client would not make (no body, an unknown field).
  return { api: lecternApi(relay.url), admin: await adminApi(relay), idp, http: new ApiClient(relay.url) }
}

const PREFIX = 'course-101/*'

describe('prefix grants', () => {
  it('admit a student to a room created after the grant, read-only, and only under the prefix', async () => {
    const { api, admin, idp } = await setup()
    const created = await admin.setGrant(PREFIX, 'group:students', { scope: 'read' })
    expect(created).toMatchObject({ created: true, grant: { room: PREFIX, subject: 'group:students', scope: 'read' } })
    const student = api.withCredential(await idp.token('sam', ['students']))

    // week-9 did not exist when the grant was made: nobody has ever opened it.
    const teacherToken = await fixture.relay.mint('course-101/week-9', 'write', { sub: 'teacher' })
    const issued = await student.roomToken('course-101/week-9')
    expect(issued).toMatchObject({ room: 'course-101/week-9', scope: 'read', grant: { id: created.grant.id } })
    const teacher = fixture.connect('v3', 'course-101/week-9', teacherToken)
    const sam = fixture.connect('v1', 'course-101/week-9', issued.token)
    await Promise.all([waitSynced(teacher), waitSynced(sam)])
    teacher.doc.getText('text').insert(0, 'week 9')
    await waitFor(() => text(sam.doc) === 'week 9', 'the student follows')
    sam.doc.getText('text').insert(0, 'X')
    await sleep(200)
    expect(text(teacher.doc)).toBe('week 9')

    await expect(student.roomToken('course-102/week-1')).rejects.toMatchObject({ status: 403, code: 'no_grant' })
    await expect(student.roomToken('course-101')).rejects.toMatchObject({ status: 403 })
    expect(await student.myRooms()).toEqual([expect.objectContaining({ room: PREFIX, via: 'group', scope: 'read' })])

    // Revoking the prefix grant ends the session in the room under it.
    const closed = new Promise<number>((resolve) => sam.provider.on('connection-close', (event: { code: number } | null) => event && resolve(event.code)))
    expect(await admin.revokeGrant(PREFIX, 'group:students')).toMatchObject({ sessionsEnded: 1 })
    expect(await closed).toBe(4403)
  })

  it('the strongest matching grant wins; a room lists the prefix grants above it; prefix admins manage its rooms', async () => {
    const { api, admin, idp } = await setup()
    await admin.setGrant(PREFIX, 'group:students', { scope: 'read' })
    await admin.setGrant('course-101/lab', 'user:sam', { scope: 'write' })
    await admin.setGrant(PREFIX, 'user:tina', { scope: 'admin' })
    const sam = api.withCredential(await idp.token('sam', ['students']))
    const tina = api.withCredential(await idp.token('tina'))

    expect((await sam.roomToken('course-101/lab')).scope).toBe('write')
    expect((await sam.roomToken('course-101/lecture')).scope).toBe('read')
    const grants = await tina.listGrants('course-101/lab')
    expect(grants.map((grant) => `${grant.room} ${grant.subject} ${grant.scope}`)).toEqual([
      'course-101/lab user:sam write',
      'course-101/* group:students read',
      'course-101/* user:tina admin',
    ])
    await tina.createLink('course-101/new', { scope: 'read' })
    expect(await tina.setGrant('course-101/sub/*', 'user:ta', { scope: 'write' })).toMatchObject({ created: true })
    await expect(tina.createLink('course-102/x', { scope: 'read' })).rejects.toMatchObject({ status: 403 })
    await expect(admin.createLink(PREFIX, { scope: 'read' })).rejects.toMatchObject({ status: 400, code: 'invalid_room' })
    await expect(admin.setGrant('course-101*', 'user:x', { scope: 'read' })).rejects.toMatchObject({ status: 400, code: 'invalid_room' })
    expect(await tina.leaveRoom(PREFIX)).toMatchObject({ grant: { room: PREFIX } })
  })
})

describe('presenters who open their own rooms', () => {
  it('an allowed presenter opens a room under u/<user>/ and is its admin; others get 403', async () => {
    const { api, idp, http } = await setup(['group:staff'])
    const adaToken = await idp.token('ada@uni.edu', ['staff'])
    const ada = api.withCredential(adaToken)
    const opened = await ada.createRoom({ label: 'Intro to Yjs' })
    expect(opened.room).toMatch(/^u\/ada:40uni\.edu\/[A-Za-z0-9_-]{16}$/)
    expect(opened.grant).toMatchObject({ room: opened.room, subject: 'user:ada@uni.edu', scope: 'admin', label: 'Intro to Yjs' })
    const second = await http.as(adaToken).ok<{ room: string }>('POST', '/rooms', undefined, 201)
    expect(second.room).not.toBe(opened.room)
    await ada.createLink(opened.room, { scope: 'read' })
    const token = await ada.roomToken(opened.room)
    const client = fixture.connect('v3', opened.room, token.token)
    await waitSynced(client)

    const student = api.withCredential(await idp.token('sam', ['students']))
    await expect(student.createRoom()).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    const { code } = await ada.createLink(opened.room, { scope: 'read' })
    const guest = await api.redeem({ code })
    await expect(api.withCredential(guest.guestKey!).createRoom()).rejects.toMatchObject({ status: 403 })
    await expect(api.createRoom()).rejects.toMatchObject({ status: 401 })
    expect(await http.as(adaToken).raw('POST', '/rooms', { label: 'x', owner: 'y' })).toMatchObject({ status: 400 })
  })

  it('nobody may open rooms by default', async () => {
    const { api, idp } = await setup()
    await expect(api.withCredential(await idp.token('ada', ['staff'])).createRoom()).rejects.toMatchObject({ status: 403 })
  })
})
