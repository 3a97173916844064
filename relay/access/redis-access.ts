/**
 * Cluster mode's access backends on the node's Redis connection: grants and links, their change
 * events, signing keys, the admin key's hash and the cluster audit stream. The relay and the CLI's
 * `--redis` operations open them the same way.
 */
import type { AccessBackend } from '../../auth/service/open-token-service.js'
import type { KeyStore } from '../../auth/store/key-store.js'
import { RedisAccessEvents } from '../../auth/store/redis/redis-access-events.js'
import { RedisAccessStore } from '../../auth/store/redis/redis-access-store.js'
import { RedisAuditStream } from '../../auth/store/redis/redis-audit.js'
import { RedisAdminHash, RedisKeyStore } from '../../auth/store/redis/redis-key-store.js'
import type { Logger } from '../logger.js'
import type { RedisConnection } from '../redis-connection.js'

export interface RedisAccess {
  keyStore: KeyStore
  access: AccessBackend
}

export async function openRedisAccess(redis: RedisConnection, nodeId: string, log: Logger): Promise<RedisAccess> {
  // The connection logs an outage once; the follower's failed reads during it are not news.
  const events = await RedisAccessEvents.open(redis, nodeId, (error) => log.debug({ err: error }, 'reading access events failed; retrying'))
  return {
    keyStore: new RedisKeyStore(redis),
    access: {
      store: new RedisAccessStore(redis),
      events,
      audit: new RedisAuditStream(redis, nodeId, log),
      adminHash: new RedisAdminHash(redis),
    },
  }
}
