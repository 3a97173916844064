/**
 * What a newcomer meets first: `--help` everywhere, usage errors with exit code 2, JSON errors
 * with `--json`, and no data directory made by any command but `serve` and `api`.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import { runCli, serveProcess, type ServeProcess } from '../support/process.js'

let cwd: string
let server: ServeProcess | null = null

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'lectern-cwd-'))
})

afterEach(async () => {
  await server?.stop('SIGTERM')
  server = null
  await rm(cwd, { recursive: true, force: true })
})

/** The environment of a shell with no Lectern variables set. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LECTERN_')))
}

const COMMANDS = [
  ['serve'], ['api'], ['token', 'mint'], ['share', 'create'], ['share', 'list'], ['share', 'revoke'],
  ['grants', 'list'], ['grants', 'set'], ['grants', 'revoke'], ['keys', 'rotate'], ['audit', 'tail'],
]

describe('lectern --help', () => {
  it.each(COMMANDS)('%s %s --help lists its flags, exit 0', async (...words) => {
    const { code, stdout } = await runCli([...words, '--help'], cleanEnv(), { cwd })
    expect(code).toBe(0)
    expect(stdout).toContain(`usage: lectern ${words.join(' ')}`)
    if (['share', 'grants', 'keys'].includes(words[0]!)) expect(stdout).toMatch(/--server URL/)
    expect(await readdir(cwd)).toEqual([])
  })

  it('serve --help names each flag with its environment variable and default', async () => {
    const { stdout } = await runCli(['serve', '--help'], cleanEnv(), { cwd })
    expect(stdout).toMatch(/--port PORT .*\[env LECTERN_PORT, default 1234\]/)
    expect(stdout).toMatch(/--token-ttl DURATION .*\[env LECTERN_TOKEN_TTL, default 10m\]/)
  })

  it.each([['--help'], ['help'], ['share', '--help'], ['grants', '-h']])('%s lists the commands', async (...words) => {
    const { code, stdout } = await runCli(words, cleanEnv(), { cwd })
    expect(code).toBe(0)
    expect(stdout).toMatch(/lectern (share|grants) \w+ ROOM/)
  })
})

describe('usage errors', () => {
  it.each([
    [['serve', '--port', 'abc'], /--port: expected a non-negative integer/],
    [['serve', '--flush-interval', 'soon'], /--flush-interval: invalid duration/],
    [['serve', '--trust-proxy', '127.0.0.1,proxy.internal'], /--trust-proxy: "proxy.internal" is not an IP address or CIDR range/],
    [['share'], /needs a sub-command/],
    [['share', 'frob'], /unknown command "lectern share frob"/],
    [['grants', 'set', 'room'], /takes ROOM SUBJECT SCOPE/],
    [['grants', 'list', 'room', '--colour'], /Unknown option '--colour'/],
  ])('%j exits with 2 and the usage', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args, cleanEnv(), { cwd })
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(message)
    expect(stderr).toMatch(/usage:/)
  })

  it('with --json, an error is one JSON object', async () => {
    const { code, stderr } = await runCli(['grants', 'set', 'room', 'user:ada', 'owner', '--json'], cleanEnv(), { cwd })
    expect(code).toBe(2)
    expect(JSON.parse(stderr)).toEqual({ error: 'usage', message: 'SCOPE must be read, write or admin' })
  })
})

describe('the data directory', () => {
  it.each([
    [['grants', 'list', 'intro-yjs']],
    [['share', 'create', 'intro-yjs']],
    [['keys', 'rotate']],
    [['token', 'mint', '--room', 'r', '--scope', 'read']],
  ])('%j with none around says where it looked, creates nothing and exits 1', async (args) => {
    const { code, stderr } = await runCli([...args, '--json'], cleanEnv(), { cwd })
    expect(code).toBe(1)
    const error = JSON.parse(stderr) as { error: string; message: string }
    expect(error.error).toBe('no_data_dir')
    expect(error.message).toContain(join(cwd, 'lectern-data'))
    expect(error.message).toMatch(/--data-dir/)
    expect(await readdir(cwd)).toEqual([])
  })

  it('a missing --data-dir is not created either', async () => {
    const { code, stderr } = await runCli(['grants', 'list', 'x', '--data-dir', join(cwd, 'nowhere')], cleanEnv(), { cwd })
    expect(code).toBe(1)
    expect(stderr).toContain(`no data directory at ${join(cwd, 'nowhere')} (from --data-dir)`)
    expect(await readdir(cwd)).toEqual([])
  })

  it('from another folder, the CLI finds the running server and its keys', async () => {
    const dataDir = join(cwd, 'lectern-data')
    server = await serveProcess(dataDir)
    const elsewhere = join(cwd, 'sub')
    const { mkdir } = await import('node:fs/promises')
    await mkdir(elsewhere)
    const minted = await runCli(['token', 'mint', '--room', 'r', '--scope', 'read', '--ttl', '250ms'], cleanEnv(), { cwd: elsewhere })
    expect(minted.code, minted.stderr).toBe(0)
    const claims = decodeJwt(minted.stdout.trim())
    expect(claims.exp! - claims.iat!).toBe(1)
    const listed = await runCli(['grants', 'list', 'r', '--json'], cleanEnv(), { cwd: elsewhere })
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout)).toEqual({ grants: [] })
    expect(await readdir(elsewhere)).toEqual([])
  })
})
