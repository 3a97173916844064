/**
 * Where the CLI's share, grants and keys commands run. When a server is running on the data
 * directory (or `--server` names one), they go through its API, so changes reach live sessions
 * at once; otherwise they open the data directory themselves.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KeyRing } from '../../auth/keys.js'
import { FileKeyStore } from '../../auth/store/file-key-store.js'
import { ADMIN_KEY_FILE, readAdminKeyFile } from '../../auth/service/admin-credential.js'
import { NO_LIVE_SESSIONS } from '../../auth/service/live-sessions.js'
import { openTokenService } from '../../auth/service/open-token-service.js'
import type { Principal } from '../../auth/service/principal.js'
import { LecternApi } from '../../protocol/api-client.js'
import type { CreatedLink, GrantChange, GrantEnded, GrantRequest, GrantWithSessions, Link, NewLink, RevokedLink, RotatedKeys } from '../../protocol/api-types.js'
import { LecternApiError } from '../../protocol/api-error.js'
import { API_PREFIX } from '../http/api.js'
import { runningServer } from '../http/api-discovery.js'
import { DataDirBusy, lockDataDir, type DataDirLock } from '../data-dir-lock.js'
import { resolveConfig, type RelayConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { openRedisAccess } from '../access/redis-access.js'
import { RedisConnection } from '../redis-connection.js'
import { resolveTokenServiceSettings } from '../token-service-config.js'
import type { FlagValues } from './command.js'
import { locateDataDir } from './data-dir.js'
import { OperationFailed } from './failure.js'

export interface AccessOperations {
  /** Where the operations run, for the operator: the server's URL or the data directory. */
  readonly target: string
  createLink(room: string, request: NewLink): Promise<CreatedLink>
  listLinks(room: string): Promise<Link[]>
  revokeLink(room: string, linkId: string, endSessions: boolean): Promise<RevokedLink>
  listGrants(room: string): Promise<GrantWithSessions[]>
  setGrant(room: string, subject: string, request: GrantRequest): Promise<GrantChange>
  revokeGrant(room: string, subject: string): Promise<GrantEnded>
  rotateKeys(graceSeconds: number | undefined): Promise<RotatedKeys>
  close(): Promise<void>
}

/** The audit log's name for changes made by the CLI on the data directory. */
const OPERATOR_ACTOR = 'operator (cli)'

export async function chooseBackend(values: FlagValues): Promise<AccessOperations> {
  const server = values.server
  if (typeof server === 'string') return remoteAccess(server, await adminKey(values, undefined))
  const config = resolveConfig(values)
  if (config.redisUrl) {
    const { dataDir, scratch } = await clusterDataDir(values)
    return openLocal({ ...config, dataDir }, scratch)
  }
  const located = await locateDataDir(values)
  // Whoever holds the directory's lock is the one to go through; a server record whose process
  // is gone (or whose pid now belongs to another process) does not hold it.
  let lock: DataDirLock
  try {
    lock = await lockDataDir(located.dataDir, 'cli')
  } catch (error) {
    if (!(error instanceof DataDirBusy)) throw error
    const url = (await runningServer(located.dataDir))?.url ?? located.server?.url
    if (url === undefined) throw new OperationFailed(error.message, 1, { cause: error, code: 'data_dir_busy' })
    return remoteAccess(url, await adminKey(values, located.dataDir))
  }
  return openLocal({ ...config, dataDir: located.dataDir }, false, lock)
}

async function adminKey(values: FlagValues, dataDir: string | undefined): Promise<string> {
  const fromEnvironment = process.env.LECTERN_ADMIN_TOKEN
  if (fromEnvironment) return fromEnvironment
  const keyFile = values['admin-key-file']
  const path = typeof keyFile === 'string' ? keyFile : join(dataDir ?? (await locateDataDir(values)).dataDir, ADMIN_KEY_FILE)
  const key = await readAdminKeyFile(path)
  if (key === undefined) throw new OperationFailed(`no admin key: set LECTERN_ADMIN_TOKEN or pass --admin-key-file (looked in ${path})`, 1)
  return key
}

/**
 * The operations on the data directory, or with `--redis` on the cluster's Redis: then every node
 * hears of each change (access events) and applies it to its own sessions.
 */
async function openLocal(config: RelayConfig, scratch: boolean, lock?: DataDirLock): Promise<AccessOperations> {
  const log = createLogger('warn')
  const redis = config.redisUrl ? new RedisConnection(config.redisUrl, `lectern-cli-${config.nodeId}`, log) : null
  await redis?.connect().catch((error: unknown) => {
    throw new OperationFailed(`cannot reach Redis at ${redisHost(config.redisUrl)}: ${(error as Error).message}`, 3, { cause: error })
  })
  const cluster = redis ? await openRedisAccess(redis, config.nodeId, log) : null
  const { ring } = await KeyRing.open(cluster?.keyStore ?? new FileKeyStore(config.dataDir))
  const opened = await openTokenService({
    config,
    keys: ring,
    settings: resolveTokenServiceSettings({}, process.env, config.clockToleranceSeconds),
    // No relay runs in this process: the nodes change their own sessions (counts here are 0).
    live: NO_LIVE_SESSIONS,
    log,
    // The CLI needs no admin credential of its own, so it claims none for the cluster.
    ...(cluster ? { backend: { ...cluster.access, adminHash: undefined } } : {}),
  })
  const operator: Principal = { kind: 'admin', actor: OPERATOR_ACTOR }
  const { service } = opened
  return {
    target: redis ? redisHost(config.redisUrl) : config.dataDir,
    createLink: (room, request) => service.createLink(operator, room, request),
    listLinks: (room) => service.listLinks(operator, room),
    revokeLink: (room, linkId, endSessions) => service.revokeLink(operator, room, linkId, endSessions),
    listGrants: (room) => service.listGrants(operator, room),
    setGrant: (room, subject, request) => service.setGrant(operator, room, subject, request),
    revokeGrant: (room, subject) => service.revokeGrant(operator, room, subject),
    rotateKeys: (graceSeconds) => service.rotateKeys(operator, graceSeconds),
    close: async () => {
      await opened.close()
      await redis?.close()
      await lock?.release()
      if (scratch) await rm(config.dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * With `--redis` the access data lives in Redis; the token service still keeps an audit copy in a
 * data directory: the one given or found, else a scratch folder removed afterwards (the CLI never
 * makes a `./lectern-data` of its own).
 */
async function clusterDataDir(values: FlagValues): Promise<{ dataDir: string; scratch: boolean }> {
  try {
    return { dataDir: (await locateDataDir(values)).dataDir, scratch: false }
  } catch (error) {
    if (!(error instanceof OperationFailed)) throw error
    return { dataDir: await mkdtemp(join(tmpdir(), 'lectern-cli-')), scratch: true }
  }
}

/** The Redis URL without its credentials, for messages. */
function redisHost(url: string): string {
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`
}

/**
 * The operations through a running server's API, with the one typed API client
 * (protocol/api-client.ts). Its errors become the CLI's: no answer exits 3, a refusal 1 with the
 * status and code.
 */
function remoteAccess(server: string, credential: string): AccessOperations {
  const api = new LecternApi({ api: `${server.replace(/\/+$/, '')}${API_PREFIX}`, credential })
  const call = async <T>(operation: Promise<T>): Promise<T> => {
    try {
      return await operation
    } catch (error) {
      if (!(error instanceof LecternApiError)) throw error
      if (error.code === 'network_error') {
        const reason = (error.cause as (Error & { cause?: Error }) | undefined)?.cause?.message ?? error.message
        throw new OperationFailed(`cannot reach the server at ${server}: ${reason}`, 3, { cause: error })
      }
      throw new OperationFailed(`${error.message} (${error.status} ${error.code})`, 1, { cause: error, code: error.code, status: error.status })
    }
  }
  return {
    target: server,
    createLink: (room, request) => call(api.createLink(room, request)),
    listLinks: (room) => call(api.listLinks(room)),
    revokeLink: (room, linkId, endSessions) => call(api.revokeLink(room, linkId, { endSessions })),
    listGrants: (room) => call(api.listGrants(room)),
    setGrant: (room, subject, request) => call(api.setGrant(room, subject, request)),
    revokeGrant: (room, subject) => call(api.revokeGrant(room, subject)),
    rotateKeys: (graceSeconds) => call(api.rotateKeys(graceSeconds === undefined ? {} : { graceSeconds })),
    close: async () => undefined,
  }
}
