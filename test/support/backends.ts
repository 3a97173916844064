/** What a backend under test holds, read whole: for checks that something is never stored in clear. */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createLogger } from '../../relay/logger.js'
import { RedisConnection, type RedisReply } from '../../relay/redis-connection.js'
import { testBackend, testRedis } from './relay-fixture.js'

/** How to read each kind of Redis value whole. */
const READ_BY_TYPE: Record<string, (key: string) => string[]> = {
  string: (key) => ['GET', key],
  hash: (key) => ['HGETALL', key],
  set: (key) => ['SMEMBERS', key],
  list: (key) => ['LRANGE', key, '0', '-1'],
  stream: (key) => ['XRANGE', key, '-', '+'],
}

/** Every grant and link the running backend holds, as text: the embedded store's files, or every access key in Redis. */
export async function storedAccessData(dataDir: string): Promise<string> {
  if (testBackend === 'embedded') {
    // The embedded store's files: access.json, access.journal and whatever else it names access.*.
    const names = (await readdir(dataDir)).filter((name) => name.startsWith('access.'))
    return (await Promise.all(names.map((name) => readFile(join(dataDir, name), 'utf8')))).join('\n')
  }
  const connection = new RedisConnection((await testRedis()).url, 'test-support', createLogger('silent'))
  await connection.connect()
  try {
    const keys = (await connection.command(['KEYS', 'lectern:{access}:*'])) as Buffer[]
    const values = await Promise.all(
      keys.map(async (key) => flatText(await connection.command(READ_BY_TYPE[String(await connection.command(['TYPE', key]))]!(key.toString())))),
    )
    return values.join('\n')
  } finally {
    await connection.close()
  }
}

/** Every string in a Redis reply, one per line. */
function flatText(reply: RedisReply): string {
  if (Array.isArray(reply)) return reply.map(flatText).join('\n')
  if (reply !== null && typeof reply === 'object' && !Buffer.isBuffer(reply)) {
    return Object.entries(reply).map(([field, value]) => `${field}\n${flatText(value)}`).join('\n')
  }
  return String(reply)
}
