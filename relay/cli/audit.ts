/**
 * `lectern audit tail`: the newest audit records, one JSON line each, as audit.log has them. With
 * `--redis` (or LECTERN_REDIS_URL) the whole cluster's, from the Redis audit stream, each naming
 * the node that recorded it; otherwise this data directory's audit.log. `--follow` keeps printing.
 */
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { auditTail, followAudit } from '../../auth/store/redis/redis-audit.js'
import { resolveConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { RedisConnection } from '../redis-connection.js'
import type { Command } from './command.js'
import { DATA_DIR_FLAG, locateDataDir, REDIS_FLAG } from './data-dir.js'
import { stopOnSignals } from './lifecycle.js'
import { UsageError } from './usage.js'

export const AUDIT_TAIL: Command = {
  name: 'audit tail',
  positionals: [],
  summary: "Prints the newest audit records, one JSON line each: the data directory's audit.log, or with --redis the whole cluster's.",
  flags: [
    { flag: 'count', placeholder: 'N', default: '50', description: 'how many of the newest records' },
    { flag: 'follow', description: 'keep printing new records (the cluster stream: needs --redis)' },
    DATA_DIR_FLAG,
    REDIS_FLAG,
  ],
  async run({ values }) {
    const count = Number(values.count ?? '50')
    if (!Number.isSafeInteger(count) || count <= 0) throw new UsageError('--count must be a positive integer')
    const config = resolveConfig(values)
    if (!config.redisUrl) {
      if (values.follow) throw new UsageError('--follow reads the cluster stream: give --redis (for a data directory, use tail -f audit.log)')
      return printFileTail(join((await locateDataDir(values)).dataDir, 'audit.log'), count)
    }
    const log = createLogger('warn')
    const redis = new RedisConnection(config.redisUrl, `lectern-audit-${config.nodeId}`, log)
    await redis.connect()
    const { records, lastId } = await auditTail(redis, count)
    for (const record of records) process.stdout.write(`${JSON.stringify(record)}\n`)
    if (!values.follow) {
      await redis.close()
      return 0
    }
    const reader = redis.duplicate('follow')
    await reader.connect()
    const follower = followAudit(reader, lastId, (record) => process.stdout.write(`${JSON.stringify(record)}\n`), (error) =>
      log.debug({ err: error }, 'reading the audit stream failed; retrying'),
    )
    return stopOnSignals(
      async () => {
        await follower.stop()
        await redis.close()
      },
      log,
      'stopping',
    )
  },
}

/** The last `count` lines of the file, read once through. */
async function printFileTail(path: string, count: number): Promise<number> {
  const lines: string[] = []
  try {
    for await (const line of createInterface({ input: createReadStream(path) })) {
      lines.push(line)
      if (lines.length > count) lines.shift()
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no audit log at ${path}`, { cause: error })
    throw error
  }
  for (const line of lines) process.stdout.write(`${line}\n`)
  return 0
}
