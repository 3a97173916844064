import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection } from '../../relay/redis-connection.js'
import { COMPACT_SCRIPT, roomKeys } from '../../relay/storage/redis/keys.js'
import { RedisDocumentStore } from '../../relay/storage/redis/redis-document-store.js'
import { redisSkipReason, startRedisServer, type RedisServer } from '../support/redis-server.js'
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

    it('never lets a compaction trim what a newer snapshot covers, nor run without its lease', async () => {
      const keys = roomKeys('compaction-race')
      for (const id of ['1-1', '2-1', '3-1']) await connection.command(['XADD', keys.stream, id, 'n', 'x', 'u', 'update'])
      const compact = (covered: [number, number], token: string) =>
        connection.command(['EVAL', COMPACT_SCRIPT, '3', keys.snapshot, keys.stream, keys.lease, 'state', String(covered[0]), String(covered[1]), token])
      // Without the lease: refused.
      expect(await compact([3, 1], 'nobody')).toBe(-1)
      // A node that read everything compacts: snapshot at 3-1, stream trimmed.
      await connection.command(['SET', keys.lease, 'fast', 'PX', '30000'])
      expect(await compact([3, 1], 'fast')).toBe(1)
      expect(await connection.command(['XLEN', keys.stream])).toBe(0)
      // A slower node that read only up to 2-1 must not replace it (its state lacks 3-1).
      await connection.command(['XADD', keys.stream, '4-1', 'n', 'x', 'u', 'update'])
      await connection.command(['SET', keys.lease, 'slow', 'PX', '30000'])
      expect(await compact([2, 1], 'slow')).toBe(0)
      expect((await connection.command(['HGET', keys.snapshot, 'id']))?.toString()).toBe('3-1')
      expect(await connection.command(['XLEN', keys.stream])).toBe(1)
      // Its lease is given back either way.
      expect(await connection.command(['EXISTS', keys.lease])).toBe(0)
    })
  })
})
