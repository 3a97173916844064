import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection } from '../../relay/redis-connection.js'
import { COMPACT_SCRIPT, roomKeys } from '../../relay/storage/redis/keys.js'
import { RedisDocumentStore } from '../../relay/storage/redis/redis-document-store.js'
import { parseEntries } from '../../relay/storage/redis/stream-reader.js'
import { redisSkipReason, startRedisServer, type RedisServer } from '../support/redis-server.js'
import { waitFor } from '../support/relay-fixture.js'
import { documentStoreContract, TestHost } from './document-store-contract.js'

const log = createLogger('silent')

describe.skipIf(redisSkipReason)('redis document store', () => {
  documentStoreContract('redis', async () => {
    const server = await startRedisServer()
    const connections: RedisConnection[] = []
    let node = 0
    return {
      shared: true,
      open: async ({ compactAfterBytes }) => {
        const connection = new RedisConnection(server.url, 'test', log)
        connections.push(connection)
        await connection.connect()
        const store = new RedisDocumentStore(connection, { nodeId: `node-${++node}`, compactAfterBytes }, log)
        await store.start()
        return store
      },
      dispose: async () => {
        for (const connection of connections) await connection.close()
        await server.dispose()
      },
    }
  })

  describe('write path', () => {
    let server: RedisServer
    let connection: RedisConnection
    beforeAll(async () => {
      server = await startRedisServer()
      connection = new RedisConnection(server.url, 'test', log)
      await connection.connect()
    })
    afterAll(async () => {
      await connection?.close()
      await server?.dispose()
    })

    it('appends one stream entry per room per event-loop turn, however many keystrokes', async () => {
      const store = new RedisDocumentStore(connection, { nodeId: 'typist', compactAfterBytes: 1 << 20 }, log)
      await store.start()
      const room = 'coalesce'
      const host = new TestHost()
      await host.load(store, room)
      for (let i = 0; i < 50; i++) host.edit(store, room, (text) => text.insert(i, 'k'))
      await store.flush()
      for (let i = 0; i < 50; i++) host.edit(store, room, (text) => text.insert(i, 'j'))
      await store.flush()
      expect(await connection.command(['XLEN', roomKeys(room).stream])).toBe(2)
      await store.close()
    })

    it('a node that missed entries another node trimmed resyncs from the snapshot: it does not stay stuck', async () => {
      const room = 'trimmed-unread'
      const keys = roomKeys(room)
      const behind = new RedisDocumentStore(connection, { nodeId: 'behind', compactAfterBytes: 1 }, log)
      await behind.start()
      const host = new TestHost()
      await host.load(behind, room)
      // Another node's writer types "a", then "b" (which builds on "a").
      const writer = new Y.Doc()
      const updates: Uint8Array[] = []
      writer.on('update', (update: Uint8Array) => updates.push(update))
      writer.getText('text').insert(0, 'a')
      writer.getText('text').insert(1, 'b')
      // "a" is appended and compacted away in one step, so this node's reader never sees it.
      await connection.command(['SET', keys.lease, 'other', 'PX', '30000'])
      const appendThenCompact = `redis.call('XADD', KEYS[2], '1-1', 'n', 'other', 'u', ARGV[6])\n${COMPACT_SCRIPT}`
      const snapshot = Buffer.from(Y.encodeStateAsUpdate(writer))
      const args = [snapshot, '1', '1', 'other', 'other', Buffer.from(updates[0]!)]
      expect(await connection.command(['EVAL', appendThenCompact, '3', keys.snapshot, keys.stream, keys.lease, ...args])).toBe(1)
      await connection.command(['XADD', keys.stream, '*', 'n', 'other', 'u', Buffer.from(updates[1]!)])
      await waitFor(() => host.text === 'ab', 'the node has both edits')
      await behind.close()
    })

    it('never lets a compaction trim what a newer snapshot covers, nor run without its lease', async () => {
      const keys = roomKeys('compaction-race')
      for (const id of ['1-1', '2-1', '3-1']) await connection.command(['XADD', keys.stream, id, 'n', 'x', 'u', 'update'])
      const compact = (covered: [number, number], token: string) =>
        connection.command(['EVAL', COMPACT_SCRIPT, '3', keys.snapshot, keys.stream, keys.lease, 'state', String(covered[0]), String(covered[1]), token, 'x'])
      // Without the lease: refused.
      expect(await compact([3, 1], 'nobody')).toBe(-1)
      // A node that read everything compacts: snapshot at 3-1, stream trimmed.
      await connection.command(['SET', keys.lease, 'fast', 'PX', '30000'])
      expect(await compact([3, 1], 'fast')).toBe(1)
      // What is left is the marker telling slower readers what was trimmed.
      const left = parseEntries(await connection.command(['XRANGE', keys.stream, '-', '+']))
      expect(left.map((entry) => entry.fields.get('t')?.toString())).toEqual(['3-1'])
      // A slower node that read only up to 2-1 must not replace it (its state lacks 3-1).
      await connection.command(['XADD', keys.stream, '*', 'n', 'x', 'u', 'update'])
      await connection.command(['SET', keys.lease, 'slow', 'PX', '30000'])
      expect(await compact([2, 1], 'slow')).toBe(0)
      expect((await connection.command(['HGET', keys.snapshot, 'id']))?.toString()).toBe('3-1')
      expect(await connection.command(['XLEN', keys.stream])).toBe(2)
      // Its lease is given back either way.
      expect(await connection.command(['EXISTS', keys.lease])).toBe(0)
    })
  })
})
