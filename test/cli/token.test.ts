import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { makeDataDir } from '../support/relay-fixture.js'
import { runCli } from '../support/process.js'

let dir: string

beforeAll(async () => {
  dir = await makeDataDir()
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('lectern token mint', () => {
  it('prints one signed JWT, alone, with the documented claims', async () => {
    const { code, stdout, stderr } = await runCli([
      'token', 'mint', '--room', 'course-101/week-3', '--scope', 'read', '--sub', 'ada', '--ttl', '30s', '--data-dir', dir,
    ])
    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    const token = stdout.trim()
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', typ: 'JWT' })
    expect(decodeProtectedHeader(token).kid).toBeTruthy()
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ iss: 'lectern', aud: 'lectern-relay', sub: 'ada', room: 'course-101/week-3', scope: 'read' })
    expect(claims.exp! - claims.iat!).toBe(30)
    expect(claims.jti).toBeTruthy()
  })

  it.each([
    [['--scope', 'read'], /--room is required/],
    [['--room', 'r', '--scope', 'admin'], /--scope must be read or write/],
    [['--room', 'r', '--scope', 'read', '--ttl', 'forever'], /--ttl/],
    [['--room', 'bad room', '--scope', 'read'], /--room must be/],
    [['--room', 'r', '--scope', 'read', '--colour', 'red'], /Unknown option/],
  ])('fails with a clear error and exit code 2 for %j', async (args, message) => {
    const { code, stdout, stderr } = await runCli(['token', 'mint', ...args, '--data-dir', dir])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(message)
  })

  it('rejects an unknown command', async () => {
    const { code, stderr } = await runCli(['frobnicate'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/unknown command/)
  })
})
