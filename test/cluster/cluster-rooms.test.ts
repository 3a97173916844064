/**
 * Two relay processes on one Redis serve the same rooms: edits and awareness cross nodes, a node
 * still enforces awareness ownership for its own sessions, and a dead node's awareness states go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeAwarenessEntries, readAwarenessFrame, REMOVED_STATE } from '../../protocol/awareness.js'
import { MessageType } from '../../protocol/messages.js'
import { startCluster, type TestCluster } from '../support/cluster.js'
import { redisSkipReason } from '../support/redis-server.js'
import { connectClient, rawClient, text, waitFor, waitSynced, type RawClient, type TestClient } from '../support/relay-fixture.js'

describe.skipIf(redisSkipReason)('a cluster of two nodes', () => {
  let cluster: TestCluster
  const clients: TestClient[] = []
  const raws: RawClient[] = []

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 })
  })
  afterAll(async () => {
    for (const client of clients) client.destroy()
    for (const raw of raws) raw.ws.terminate()
    await cluster?.dispose()
  })

  async function join(node: number, version: 'v1' | 'v3', room: string, sub: string, scope: 'read' | 'write' = 'write') {
    const client = connectClient(version, cluster.nodes[node]!.url, room, await cluster.mint(room, scope, sub))
    clients.push(client)
    await waitSynced(client)
    return client
  }

  /** What `observer` sees of `subject`'s awareness `user` field. */
  function userOf(observer: TestClient, subject: TestClient): string | undefined {
    return (observer.provider.awareness.getStates().get(subject.doc.clientID) as { user?: string } | undefined)?.user
  }

  /** Ada on node 0 and Bob on node 1, Bob seeing Ada's awareness state. */
  async function adaSeenByBob(room: string): Promise<{ ada: TestClient; bob: TestClient }> {
    const ada = await join(0, 'v3', room, 'ada')
    const bob = await join(1, 'v3', room, 'bob')
    ada.provider.awareness.setLocalStateField('user', 'ada')
    await waitFor(() => userOf(bob, ada) === 'ada', 'bob sees ada across nodes')
    return { ada, bob }
  }

  it('converges writers on different nodes, 1.5.4 and 3.x, and gives late joiners everything', async () => {
    const room = 'cluster/notebook-1'
    const ada = await join(0, 'v1', room, 'ada')
    const bob = await join(1, 'v3', room, 'bob')
    for (let i = 0; i < 40; i++) {
      ada.doc.getText('text').insert(0, 'a')
      bob.doc.getText('text').insert(0, 'b')
    }
    await waitFor(() => text(ada.doc).length === 80 && text(bob.doc) === text(ada.doc), 'both nodes converge')
    const late = await join(1, 'v1', room, 'late', 'read')
    expect(text(late.doc)).toBe(text(ada.doc))
  })

  it('carries awareness across nodes and removes it when the session leaves', async () => {
    const { ada, bob } = await adaSeenByBob('cluster/presence')
    ada.provider.disconnect()
    await waitFor(() => !bob.provider.awareness.getStates().has(ada.doc.clientID), "ada's state removed on the other node")
  })

  it("drops a session's awareness update for a client id that lives on the other node", async () => {
    const room = 'cluster/spoof'
    const { ada, bob } = await adaSeenByBob(room)
    const mallory = rawClient(cluster.nodes[1]!.url, room, await cluster.mint(room, 'read', 'mallory'))
    raws.push(mallory)
    await mallory.opened
    // A newer clock than ada's own, so it is no echo: a takeover attempt from node 1.
    mallory.send(encodeAwarenessEntries([{ clientId: ada.doc.clientID, clock: 1000, state: '{"user":"mallory"}' }]))
    // Barrier: bob's own next change crosses node 1 after mallory's frame.
    bob.provider.awareness.setLocalStateField('user', 'bob')
    await waitFor(() => userOf(ada, bob) === 'bob', 'ada sees bob')
    expect(userOf(bob, ada)).toBe('ada')
    expect(userOf(ada, ada)).toBe('ada')
  })

  it("removes a killed node's awareness states on the other node within 30 s", async () => {
    const room = 'cluster/node-death'
    const { ada, bob } = await adaSeenByBob(room)
    // Stop ada reconnecting anywhere: only the node's lease can tell node 1 that she is gone.
    ada.provider.shouldConnect = false
    const observer = rawClient(cluster.nodes[1]!.url, room, await cluster.mint(room, 'read', 'observer'))
    raws.push(observer)
    await observer.opened
    await cluster.nodes[0]!.stop('SIGKILL')
    const killedAt = Date.now()
    // The relay's removal, as node 1 sends it (clients would also drop the state after 30 s silence).
    const removesAda = (frame: Buffer) =>
      frame[0] === MessageType.awareness &&
      readAwarenessFrame(frame).some((entry) => entry.clientId === ada.doc.clientID && entry.state === REMOVED_STATE)
    await waitFor(() => observer.frames.some(removesAda), "node 1 removes ada's state", 30_000)
    expect(Date.now() - killedAt).toBeLessThan(30_000)
    await waitFor(() => !bob.provider.awareness.getStates().has(ada.doc.clientID), "bob no longer sees ada")
    await cluster.restartNode(0)
  }, 60_000)
})
