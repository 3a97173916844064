/**
 * The store contracts against the Redis implementations, on one private redis-server for the file.
 * Each test gets its own key prefix, so tests never see each other's data.
 */
import { afterAll, describe } from 'vitest'
import { RedisAccessEvents } from '../../auth/store/redis/redis-access-events.js'
import { RedisAccessStore } from '../../auth/store/redis/redis-access-store.js'
import { RedisKeyStore } from '../../auth/store/redis/redis-key-store.js'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection } from '../../relay/redis-connection.js'
import { redisSkipReason, startRedisServer, type RedisServer } from '../support/redis-server.js'
import { accessEventsContract } from './contracts/access-events.js'
import { accessStoreContract } from './contracts/access-store.js'
import { keyStoreContract } from './contracts/key-store.js'

let server: Promise<RedisServer> | undefined
let tests = 0

afterAll(async () => {
  await (await server)?.dispose()
})

/** Connections to the file's Redis for one test, under a prefix of its own; closed by `dispose`. */
async function redisForTest(): Promise<{ prefix: string; connect(): Promise<RedisConnection>; dispose(): Promise<void> }> {
  server ??= startRedisServer()
  const { url } = await server
  const connections: RedisConnection[] = []
  return {
    prefix: `lectern-test-${++tests}:{access}:`,
    connect: async () => {
      const connection = new RedisConnection(url, 'test', createLogger('silent'))
      connections.push(connection)
      await connection.connect()
      return connection
    },
    dispose: async () => {
      for (const connection of connections) await connection.close()
    },
  }
}

describe.skipIf(redisSkipReason)('redis', () => {
  accessStoreContract('redis', async () => {
    const redis = await redisForTest()
    return {
      store: new RedisAccessStore(await redis.connect(), redis.prefix),
      concurrentHandles: true,
      another: async () => new RedisAccessStore(await redis.connect(), redis.prefix),
      dispose: redis.dispose,
    }
  })

  keyStoreContract('redis', async () => {
    const redis = await redisForTest()
    return {
      store: new RedisKeyStore(await redis.connect(), redis.prefix),
      another: async () => new RedisKeyStore(await redis.connect(), redis.prefix),
      dispose: redis.dispose,
    }
  })

  accessEventsContract('redis', async () => {
    const redis = await redisForTest()
    let nodes = 0
    return {
      node: async () => RedisAccessEvents.open(await redis.connect(), `node-${++nodes}`, (error) => console.error(error), redis.prefix),
      dispose: redis.dispose,
    }
  })
})
