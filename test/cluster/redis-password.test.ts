/**
 * A cluster on a Redis with a password, as a deployment should run it: the password goes in the
 * URL, the nodes work through it and never print it. A node given a wrong password says why it
 * cannot start, once, and waits for Redis (listening once it connects), instead of sitting silent.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { editAcrossNodes, startCluster, type TestCluster } from '../support/cluster.js'
import { childEnv, CLI } from '../support/process.js'
import { redisSkipReason } from '../support/redis-server.js'
import { makeDataDir, waitFor, type TestClient } from '../support/relay-fixture.js'

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`

describe.skipIf(redisSkipReason)('a cluster on a Redis with a password', () => {
  let cluster: TestCluster
  const clients: TestClient[] = []

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, password: PASSWORD })
  })
  afterAll(async () => {
    for (const client of clients) client.destroy()
    await cluster?.dispose()
  })

  it('serves a room from both nodes through the password in the URL, and no node prints it', async () => {
    clients.push(...(await editAcrossNodes(cluster, 'secured/room', 'behind a password')))
    for (const node of cluster.nodes) expect(node.output()).not.toContain(PASSWORD)
  })

  it('a node given a wrong password says why it waits for Redis, without printing the password, and starts once it can connect', async () => {
    const wrong = 'not-the-password'
    const dataDir = await makeDataDir()
    const url = cluster.redis.url.replace(PASSWORD, wrong)
    const node = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--redis', url, '--node-id', 'wrong'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
    })
    let output = ''
    node.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    node.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      await waitFor(() => output.includes('redis unreachable at start'), 'the node says it cannot reach Redis')
      expect(output).toMatch(/WRONGPASS/)
      expect(output).not.toContain(wrong)
      expect(output).not.toContain('"listening"')
      // Once Redis takes what it was given (the last test: the other nodes keep their connections), it starts.
      await cluster.inspect.command(['CONFIG', 'SET', 'requirepass', wrong])
      await waitFor(() => output.includes('"listening"'), 'the node listens once it connects')
      expect(output).not.toContain(wrong)
    } finally {
      const exited = once(node, 'exit')
      node.kill('SIGKILL')
      await exited
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
