/** `lectern token mint`: prints one signed room token, alone, on stdout. */
import { isRoomScope } from '../../auth/claims.js'
import { parseDurationSeconds } from '../../auth/duration.js'
import { KeyRing } from '../../auth/keys.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { mintRoomToken } from '../../auth/tokens.js'
import { isValidRoomName } from '../../protocol/room-name.js'
import { RedisKeyStore } from '../../auth/store/redis/redis-key-store.js'
import { resolveConfig, RELAY_FLAG_ROWS } from '../config.js'
import { createLogger } from '../logger.js'
import { RedisConnection } from '../redis-connection.js'
import { JSON_FLAG, type Command } from './command.js'
import { DATA_DIR_FLAG, locateDataDir, REDIS_FLAG } from './data-dir.js'
import { UsageError } from './usage.js'

const TOKEN_FLAGS = RELAY_FLAG_ROWS.filter((row) => row.flag === 'issuer' || row.flag === 'audience')

export const TOKEN_MINT: Command = {
  name: 'token mint',
  positionals: [],
  summary:
    "Prints one signed room token (JWT) on stdout, from the data directory's (with --redis the cluster's) signing key. It is trusted alone: its session ends at its expiry.",
  flags: [
    { flag: 'room', placeholder: 'ROOM', description: 'the room the token admits to (required)' },
    { flag: 'scope', placeholder: 'read|write', description: 'what the session may do (required)' },
    { flag: 'sub', placeholder: 'NAME', default: 'cli', description: 'who the session is, for logs and audit' },
    { flag: 'ttl', placeholder: 'DURATION', default: '10m', description: 'lifetime: 250ms, 30s, 10m, 1h, 7d (rounded up to whole seconds)' },
    DATA_DIR_FLAG,
    REDIS_FLAG,
    ...TOKEN_FLAGS,
    JSON_FLAG,
  ],
  async run({ values }) {
    const { room, scope, sub = 'cli', ttl = '10m' } = values
    if (typeof room !== 'string') throw new UsageError('--room is required')
    if (!isValidRoomName(room)) throw new UsageError('--room must be 1-256 characters of letters, digits and ._:-/')
    if (!isRoomScope(scope)) throw new UsageError('--scope must be read or write')
    let ttlSeconds: number
    try {
      ttlSeconds = parseDurationSeconds(String(ttl))
    } catch (error) {
      throw new UsageError(`--ttl: ${(error as Error).message}`, { cause: error })
    }
    const { issuer, audience, clockToleranceSeconds, redisUrl, nodeId } = resolveConfig(values)
    // In a cluster the signing keys are in Redis: a token signed there verifies on every node.
    const redis = redisUrl ? new RedisConnection(redisUrl, `lectern-cli-${nodeId}`, createLogger('warn')) : null
    await redis?.connect()
    try {
      const keyStore = redis ? new RedisKeyStore(redis) : new FileKeyStore((await locateDataDir(values)).dataDir)
      const { ring } = await KeyRing.open(keyStore)
      const token = await mintRoomToken(ring, { issuer, audience, clockToleranceSeconds }, { room, scope, sub: String(sub), ttlSeconds })
      process.stdout.write(values.json === true ? `${JSON.stringify({ token })}\n` : `${token}\n`)
      return 0
    } finally {
      await redis?.close()
    }
  },
}
