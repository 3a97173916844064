/**
 * Every `sh` and `js` block of the README runs as written, in order, against a fresh relay, the
 * way a newcomer would run them: from a project folder where `npx lectern` is the installed
 * command, with the relay started there (`lectern serve`, data in ./lectern-data). Blocks share
 * shell variables (`TOKEN=…` in one, `process.env.TOKEN` in the next). The one liberty taken: the
 * relay listens on a free port, and `127.0.0.1:1234` in a block is read as that port.
 *
 * A `js` block introduced with "save this as `NAME`" is saved under that name, to be run by a later
 * block. `js browser` blocks run in Chromium (test/client/readme-browser.test.ts). Not run here: `sh fresh-machine` (`npm ci`, `bash .ci/run`: CI runs those), `illustration` blocks
 * (fragments, or commands that need fixed ports and daemons, as the cluster's), and the `text`,
 * `console` and `json` blocks, which are usage, transcripts and examples of output.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, childEnv } from '../support/process.js'
import { codeBlocks, readme, type CodeBlock } from '../support/readme.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const NOT_RUN = /^(text|console|json)$|^(sh|js) (fresh-machine|illustration)$|^js browser$/
const RUN = /^(sh|js)$/

let project: string
let relay: ReturnType<typeof spawn> | undefined
let port = 0

/** The environment of a newcomer's shell: none of our variables, a private runtime folder. */
function shellEnv(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LECTERN_')))
  return childEnv(clean)
}

/** A project that installed lectern: its node_modules holds ours, plus `lectern` and its command. */
async function makeProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lectern-readme-'))
  await writeFile(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n')
  const modules = join(dir, 'node_modules')
  await mkdir(join(modules, '.bin'), { recursive: true })
  for (const entry of await readdir(join(REPO, 'node_modules'))) {
    if (entry !== '.bin') await symlink(join(REPO, 'node_modules', entry), join(modules, entry))
  }
  await symlink(REPO, join(modules, 'lectern'))
  await writeFile(join(modules, '.bin', 'lectern'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 })
  return dir
}

async function startRelay(cwd: string): Promise<number> {
  relay = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { cwd, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  relay.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  for await (const chunk of relay.stdout!) {
    output += (chunk as Buffer).toString()
    const match = /"listening":"ws:\/\/127\.0\.0\.1:(\d+)\/ROOM"/.exec(output)
    if (match) return Number(match[1])
  }
  throw new Error(`the relay did not start:\n${output}`)
}

/**
 * Runs `script` in bash with the variables earlier blocks left, and keeps the ones it sets. curl
 * fails on an HTTP error here (a block that pipes an error body into jq would pass otherwise).
 */
async function runBash(script: string, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const strictCurl = 'curl () { command curl --fail-with-body "$@"; }'
  const wrapped = `set -euo pipefail\nset -a\n${strictCurl}\n[ -f .readme-env ] && source .readme-env\n${script}\nexport -p > .readme-env\n`
  const child = spawn('bash', ['-c', wrapped], { cwd: project, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearTimeout(timer)
  return { code, output }
}

function onOurPort(code: string): string {
  return code.replaceAll('127.0.0.1:1234', `127.0.0.1:${port}`)
}

/** A `js` block the README asks to save under a name (for a later `sh` block to run). */
function savedAs(block: CodeBlock): string | undefined {
  return /save (?:this|it) as `([\w.-]+\.m?js)`/i.exec(block.before)?.[1]
}

async function runBlock(block: CodeBlock, index: number): Promise<{ code: number | null; output: string }> {
  if (block.info === 'sh') return runBash(onOurPort(block.code))
  const name = savedAs(block)
  await writeFile(join(project, name ?? `readme-block-${index}.mjs`), onOurPort(block.code))
  return name ? { code: 0, output: '' } : runBash(`node readme-block-${index}.mjs`)
}

beforeAll(async () => {
  project = await makeProject()
  port = await startRelay(project)
})

afterAll(async () => {
  if (relay && relay.exitCode === null) {
    const exited = once(relay, 'exit')
    relay.kill('SIGTERM')
    await exited
  }
  await rm(project, { recursive: true, force: true })
})

describe('README code blocks', () => {
  const blocks = codeBlocks(readme())

  it('says of every block whether it runs', () => {
    const unmarked = blocks.filter((block) => !RUN.test(block.info) && !NOT_RUN.test(block.info))
    expect(unmarked.map((block) => `line ${block.line}: \`\`\`${block.info}`)).toEqual([])
  })

  it('runs every sh and js block as written, in order', async () => {
    const runnable = blocks.filter((block) => RUN.test(block.info))
    expect(runnable.length).toBeGreaterThan(2)
    for (const [index, block] of runnable.entries()) {
      const { code, output } = await runBlock(block, index)
      const where = `README line ${block.line} (${block.info}):\n${block.code}\n--- output ---\n${output}`
      expect(code, where).toBe(0)
      // An API refusal is a JSON body with "error": a block that drifted from the API shows one.
      expect(output, where).not.toMatch(/"error":/)
    }
  }, 300_000)
})
