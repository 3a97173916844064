#!/usr/bin/env node
/**
 * The `lectern` command: `serve` runs the relay, `token mint` prints a signed room token; `share`,
 * `grants` and `keys` manage access (cli-access.ts); `api` runs the token service alone.
 */
import { parseArgs } from 'node:util'
import { KeyRing } from '../../auth/keys.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { isRoomScope } from '../../auth/claims.js'
import { parseDurationSeconds } from '../../auth/duration.js'
import { mintRoomToken } from '../../auth/tokens.js'
import { adminKeyNotice, serveApi } from './api.js'
import { ACCESS_USAGE, isAccessCommand, runAccessCommand } from './access.js'
import { AUDIT_USAGE, runAuditCommand } from './audit.js'
import { resolveServerSettings, serverFlags } from './flags.js'
import { stopOnSignals } from './lifecycle.js'
import { UsageError } from './usage.js'
import { resolveConfig } from '../config.js'
import { isValidRoomName } from '../../protocol/room-name.js'
import { startRelay } from '../start.js'
import { createLogger } from '../logger.js'
import { RedisConnection } from '../redis-connection.js'
import { RedisKeyStore } from '../../auth/store/redis/redis-key-store.js'

const USAGE = `usage:
  lectern serve [--host H] [--port P] [--data-dir D] [--log-level L] [...]
  lectern token mint --room ROOM --scope read|write [--sub NAME] [--ttl 10m] [--data-dir D | --redis URL]
  lectern api [same flags as serve]
${ACCESS_USAGE}
${AUDIT_USAGE}

Every serve flag can also be set by environment variable (see the README).`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'serve') return serve(rest)
  if (command === 'token' && rest[0] === 'mint') return mintToken(rest.slice(1))
  if (command === 'api') return serveApi(rest)
  if (isAccessCommand(command)) return runAccessCommand(command, rest)
  if (command === 'audit') return runAuditCommand(rest)
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  throw new UsageError(command ? `unknown command "${[command, ...rest.slice(0, 1)].join(' ')}"` : 'no command given')
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: serverFlags(), strict: true })
  const { config, tokenService } = resolveServerSettings(values)
  const running = await startRelay(config, { tokenService })
  running.log.info(
    { listening: `${running.url}/ROOM`, dataDir: config.dataDir, backend: config.redisUrl ? 'redis' : 'embedded', node: config.nodeId },
    'lectern relay listening',
  )
  if (running.createdKey) {
    process.stderr.write(
      (config.redisUrl
        ? `\nCreated the cluster's first signing key in Redis.\n` +
          `Mint a token:  npx lectern token mint --room my-room --scope write --redis REDIS_URL\n`
        : `\nCreated a signing key in ${config.dataDir}/keys.\n` +
          `Mint a token:  npx lectern token mint --room my-room --scope write --data-dir ${config.dataDir}\n`) +
        `Connect:       new WebsocketProvider('${running.url}', 'my-room', doc, { params: { token } })\n\n`,
    )
  }
  if (running.createdAdminKeyFile) process.stderr.write(adminKeyNotice(running.createdAdminKeyFile))
  return stopOnSignals(running.close, running.log, 'saving rooms')
}

async function mintToken(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      room: { type: 'string' },
      scope: { type: 'string' },
      sub: { type: 'string', default: 'cli' },
      ttl: { type: 'string', default: '10m' },
      'data-dir': { type: 'string' },
      redis: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
    },
    strict: true,
  })
  if (!values.room) throw new UsageError('--room is required')
  if (!isValidRoomName(values.room)) throw new UsageError('--room must be 1-256 characters of letters, digits and ._:-/')
  if (!isRoomScope(values.scope)) throw new UsageError('--scope must be read or write')
  const config = resolveConfig({
    'data-dir': values['data-dir'],
    redis: values.redis,
    issuer: values.issuer,
    audience: values.audience,
  })
  let ttlSeconds: number
  try {
    ttlSeconds = parseDurationSeconds(values.ttl)
  } catch (error) {
    throw new UsageError(`--ttl: ${(error as Error).message}`)
  }
  // In a cluster the signing keys are in Redis: a token signed there verifies on every node.
  const redis = config.redisUrl ? new RedisConnection(config.redisUrl, `lectern-cli-${config.nodeId}`, createLogger('warn')) : null
  await redis?.connect()
  try {
    const { ring } = await KeyRing.open(redis ? new RedisKeyStore(redis) : new FileKeyStore(config.dataDir))
    const token = await mintRoomToken(
      ring,
      { issuer: config.issuer, audience: config.audience, clockToleranceSeconds: config.clockToleranceSeconds },
      { room: values.room, scope: values.scope, sub: values.sub, ttlSeconds },
    )
    process.stdout.write(`${token}\n`)
    return 0
  } finally {
    await redis?.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: Error) => {
    process.stderr.write(`lectern: ${error.message}\n`)
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${USAGE}\n`)
      process.exitCode = 2
    } else {
      process.exitCode = 1
    }
  },
)
