import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection } from '../../relay/redis-connection.js'
import { roomKeys } from '../../relay/storage/redis/keys.js'
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
  })
})
