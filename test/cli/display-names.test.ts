/**
 * Issue 12 #11: a guest's display name cannot carry terminal escapes. The API refuses control
 * characters at redeem, and `lectern grants list` shows one stored before that rule escaped.
 */
import { rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { FileAccessStore } from '../../auth/store/file-access-store.js'
import { makeDataDir, useTestRelay } from '../support/relay-fixture.js'
import { runCli } from '../support/process.js'
import { adminApi, lecternApi } from '../support/token-service-client.js'

const fixture = useTestRelay()
const dirs: string[] = []

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('display names', () => {
  it('refuses control characters and direction overrides at redeem with 400', async () => {
    const relay = await fixture.start()
    const api = lecternApi(relay.url)
    const admin = await adminApi(relay)
    const { code } = await admin.createLink('r', { scope: 'read' })
    for (const displayName of ['\u001b[2J\u001b[31mADMIN', 'Bob\nsubject: user:admin', 'evil\u202eexe.txt', 'bell\u0007']) {
      await expect(api.redeem({ code, displayName })).rejects.toMatchObject({
        status: 400,
        code: 'invalid_body',
        message: '"displayName" must not contain control characters or direction overrides',
      })
    }
    expect(await api.redeem({ code, displayName: 'Zoë 👩‍🏫' })).toMatchObject({ scope: 'read' })
    await expect(admin.createLink('r', { scope: 'read', label: 'x\u001b]0;pwned\u0007' })).rejects.toMatchObject({ status: 400 })
  })

  it('prints a name stored before the rule escaped, never as raw escapes', async () => {
    const dataDir = await makeDataDir()
    dirs.push(dataDir)
    const store = await FileAccessStore.open(dataDir)
    const hostile = 'Bob\u001b[2J\u001b[1;31m\u202e'
    await store.setGrant({ room: 'r', subject: 'user:anon-bob', scope: 'read', actor: 'admin', at: new Date(), displayName: hostile })
    await store.close()

    const listed = await runCli(['grants', 'list', 'r', '--data-dir', dataDir])
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/)
    expect(listed.stdout).toContain('Bob\\u{1b}[2J\\u{1b}[1;31m\\u{202e}')
  })
})
