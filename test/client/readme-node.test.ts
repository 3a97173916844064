/** The README's Node example of lectern/client runs as written on Node 20 (dist/ built by npm test). */
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { onRelay, readmeJsBlock } from '../support/readme.js'
import { useTestRelay } from '../support/relay-fixture.js'

const fixture = useTestRelay()

it('the README Node example joins, writes and leaves', async () => {
  const relay = await fixture.start()
  // Inside the package, so `lectern/client` resolves to this checkout's build as it would for a user.
  const folder = fileURLToPath(new URL('../../.vitest-tmp/', import.meta.url))
  await mkdir(folder, { recursive: true })
  const script = `${folder}readme-join-${process.pid}.mjs`
  await writeFile(script, onRelay(readmeJsBlock("import WebSocket from 'ws'"), relay.url))
  const token = await relay.mint('my-room', 'write', { sub: 'readme' })
  const { stdout } = await promisify(execFile)(process.execPath, [script], { env: { ...process.env, TOKEN: token }, timeout: 20_000 })
  expect(stdout).toBe('hello from Node, with write access\n\n')
  await expect.poll(() => relay.relay.rooms.get('my-room')?.doc.getText('source').toString()).toBe('hello from Node, with write access\n')
})
