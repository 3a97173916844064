import { describe } from 'vitest'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection } from '../../relay/redis-connection.js'
import { RedisDocumentStore } from '../../relay/storage/redis/redis-document-store.js'
import { redisSkipReason, startRedisServer } from '../support/redis-server.js'
import { documentStoreContract } from './document-store-contract.js'

describe.skipIf(redisSkipReason)('redis document store', () => {
  documentStoreContract('redis', async () => {
    const server = await startRedisServer()
    const log = createLogger('silent')
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
})
