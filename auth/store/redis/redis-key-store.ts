/**
 * Signing keys in Redis: one hash, kid -> the key's JSON, shared by every node, so a token minted
 * on one verifies on all. The first key and each rotation are one Lua script each: nodes starting
 * together agree on one first key, and a rotation retires and removes in the same step it adds.
 * The hash of the cluster's admin key is kept beside them, claimed by the first node to start.
 */
import type { SharedAdminHash } from '../../service/admin-credential.js'
import type { KeyStore, StoredKey } from '../key-store.js'
import { ACCESS_PREFIX } from './access-scripts.js'
import { jsonList, textOrNil, type RedisPort } from './redis-port.js'

/** ARGV: kid, JSON. Adds the key only to an empty hash; returns every key's JSON. */
const ADD_FIRST = `
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return redis.call('HVALS', KEYS[1])
`

/** ARGV: fresh kid, fresh JSON, retireAt, now (seconds). */
const ROTATE = `
local keys = redis.call('HGETALL', KEYS[1])
for i = 1, #keys, 2 do
  local key = cjson.decode(keys[i + 1])
  if key.retireAt == nil then
    key.retireAt = tonumber(ARGV[3])
    redis.call('HSET', KEYS[1], keys[i], cjson.encode(key))
  elseif key.retireAt <= tonumber(ARGV[4]) then
    redis.call('HDEL', KEYS[1], keys[i])
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`

export class RedisKeyStore implements KeyStore {
  private readonly key: string

  constructor(
    private readonly redis: RedisPort,
    prefix = ACCESS_PREFIX,
  ) {
    this.key = `${prefix}signing-keys`
  }

  async list(): Promise<StoredKey[]> {
    return jsonList<StoredKey>(await this.redis.command(['HVALS', this.key]))
  }

  async addFirst(key: StoredKey): Promise<StoredKey[]> {
    return jsonList<StoredKey>(await this.redis.command(['EVAL', ADD_FIRST, '1', this.key, key.kid, JSON.stringify(key)]))
  }

  async rotate(fresh: StoredKey, retireAt: number, now: number): Promise<void> {
    await this.redis.command(['EVAL', ROTATE, '1', this.key, fresh.kid, JSON.stringify(fresh), String(retireAt), String(now)])
  }

  async close(): Promise<void> {}
}

export class RedisAdminHash implements SharedAdminHash {
  constructor(
    private readonly redis: RedisPort,
    private readonly key = `${ACCESS_PREFIX}admin-key-hash`,
  ) {}

  async claim(hash: string): Promise<string> {
    await this.redis.command(['SET', this.key, hash, 'NX'])
    return textOrNil(await this.redis.command(['GET', this.key]))!
  }
}
