/** Relay settings: defaults, environment variables and command-line flags, in rising priority. */
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { parseDurationSeconds } from '../auth/duration.js'
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../auth/claims.js'

export interface RelayConfig {
  host: string
  port: number
  dataDir: string
  issuer: string
  audience: string
  clockToleranceSeconds: number
  /** Largest inbound frame in bytes; larger frames close the session with 1009. */
  maxFrameBytes: number
  /** Inbound rate limit per session: sustained frames per second and burst. */
  rateFramesPerSecond: number
  rateFramesBurst: number
  /** Inbound rate limit per session: sustained bytes per second and burst. */
  rateBytesPerSecond: number
  rateBytesBurst: number
  /** A receiver whose unsent bytes exceed this is closed with 4508. */
  sendHighWaterBytes: number
  /** Awareness: client ids one session may own, and the largest awareness frame it may send. */
  maxAwarenessClientsPerSession: number
  maxAwarenessFrameBytes: number
  /** Awareness bytes per second (and burst) one session may have the room forward. */
  awarenessBytesPerSecond: number
  awarenessBytesBurst: number
  /** Structs plus delete ranges one update may carry; larger updates are refused. */
  maxUpdateStructs: number
  /** Document work (structs applied, or walked to answer a sync step 1) per session per second, and burst. */
  workPerSecond: number
  workBurst: number
  /** How often buffered document writes reach the disk (the most a `kill -9` can lose). */
  flushIntervalMs: number
  /** How long a room with no sessions stays in memory before it is saved and unloaded. */
  roomIdleUnloadMs: number
  /** Room log size that triggers compaction into a snapshot. */
  compactAfterBytes: number
  /** ws ping interval; a peer that has not answered the previous ping is dropped. */
  pingIntervalMs: number
  /** A session that was sent nothing for this long gets an empty awareness frame (y-websocket reconnects after 30 s of silence). */
  keepaliveIntervalMs: number
  logLevel: string
  /** Cluster mode: the Redis that every node shares (redis://HOST:PORT[/DB]); empty for one node. */
  redisUrl: string
  /** This node's name in the cluster (logs, awareness ownership); host name and pid by default. */
  nodeId: string
}

export const DEFAULTS: RelayConfig = {
  host: '127.0.0.1',
  port: 1234,
  dataDir: './lectern-data',
  issuer: DEFAULT_ISSUER,
  audience: DEFAULT_AUDIENCE,
  clockToleranceSeconds: 5,
  maxFrameBytes: 16 * 1024 * 1024,
  rateFramesPerSecond: 500,
  rateFramesBurst: 2000,
  rateBytesPerSecond: 8 * 1024 * 1024,
  rateBytesBurst: 64 * 1024 * 1024,
  sendHighWaterBytes: 8 * 1024 * 1024,
  maxAwarenessClientsPerSession: 4,
  maxAwarenessFrameBytes: 64 * 1024,
  awarenessBytesPerSecond: 8 * 1024,
  awarenessBytesBurst: 64 * 1024,
  maxUpdateStructs: 100_000,
  workPerSecond: 100_000,
  workBurst: 200_000,
  flushIntervalMs: 200,
  roomIdleUnloadMs: 30_000,
  compactAfterBytes: 4 * 1024 * 1024,
  pingIntervalMs: 30_000,
  keepaliveIntervalMs: 5_000,
  logLevel: 'info',
  redisUrl: '',
  nodeId: `${hostname()}-${process.pid}`,
}

type Kind = 'string' | 'int' | 'duration-ms'

/** Every setting, its environment variable and flag. The README's configuration table mirrors this. */
export const SETTINGS: ReadonlyArray<{ key: keyof RelayConfig; env: string; flag: string; kind: Kind }> = [
  { key: 'host', env: 'LECTERN_HOST', flag: 'host', kind: 'string' },
  { key: 'port', env: 'LECTERN_PORT', flag: 'port', kind: 'int' },
  { key: 'dataDir', env: 'LECTERN_DATA_DIR', flag: 'data-dir', kind: 'string' },
  { key: 'issuer', env: 'LECTERN_ISSUER', flag: 'issuer', kind: 'string' },
  { key: 'audience', env: 'LECTERN_AUDIENCE', flag: 'audience', kind: 'string' },
  { key: 'maxFrameBytes', env: 'LECTERN_MAX_FRAME_BYTES', flag: 'max-frame-bytes', kind: 'int' },
  { key: 'rateFramesPerSecond', env: 'LECTERN_RATE_FRAMES_PER_SECOND', flag: 'rate-frames-per-second', kind: 'int' },
  { key: 'rateFramesBurst', env: 'LECTERN_RATE_FRAMES_BURST', flag: 'rate-frames-burst', kind: 'int' },
  { key: 'rateBytesPerSecond', env: 'LECTERN_RATE_BYTES_PER_SECOND', flag: 'rate-bytes-per-second', kind: 'int' },
  { key: 'rateBytesBurst', env: 'LECTERN_RATE_BYTES_BURST', flag: 'rate-bytes-burst', kind: 'int' },
  { key: 'sendHighWaterBytes', env: 'LECTERN_SEND_HIGH_WATER_BYTES', flag: 'send-high-water-bytes', kind: 'int' },
  {
    key: 'maxAwarenessClientsPerSession',
    env: 'LECTERN_MAX_AWARENESS_CLIENTS',
    flag: 'max-awareness-clients',
    kind: 'int',
  },
  { key: 'maxAwarenessFrameBytes', env: 'LECTERN_MAX_AWARENESS_BYTES', flag: 'max-awareness-bytes', kind: 'int' },
  {
    key: 'awarenessBytesPerSecond',
    env: 'LECTERN_AWARENESS_BYTES_PER_SECOND',
    flag: 'awareness-bytes-per-second',
    kind: 'int',
  },
  { key: 'awarenessBytesBurst', env: 'LECTERN_AWARENESS_BYTES_BURST', flag: 'awareness-bytes-burst', kind: 'int' },
  { key: 'maxUpdateStructs', env: 'LECTERN_MAX_UPDATE_STRUCTS', flag: 'max-update-structs', kind: 'int' },
  { key: 'workPerSecond', env: 'LECTERN_WORK_PER_SECOND', flag: 'work-per-second', kind: 'int' },
  { key: 'workBurst', env: 'LECTERN_WORK_BURST', flag: 'work-burst', kind: 'int' },
  { key: 'flushIntervalMs', env: 'LECTERN_FLUSH_INTERVAL', flag: 'flush-interval', kind: 'duration-ms' },
  { key: 'roomIdleUnloadMs', env: 'LECTERN_ROOM_IDLE_UNLOAD', flag: 'room-idle-unload', kind: 'duration-ms' },
  { key: 'compactAfterBytes', env: 'LECTERN_COMPACT_AFTER_BYTES', flag: 'compact-after-bytes', kind: 'int' },
  { key: 'pingIntervalMs', env: 'LECTERN_PING_INTERVAL', flag: 'ping-interval', kind: 'duration-ms' },
  { key: 'keepaliveIntervalMs', env: 'LECTERN_KEEPALIVE_INTERVAL', flag: 'keepalive-interval', kind: 'duration-ms' },
  { key: 'logLevel', env: 'LECTERN_LOG_LEVEL', flag: 'log-level', kind: 'string' },
  { key: 'redisUrl', env: 'LECTERN_REDIS_URL', flag: 'redis', kind: 'string' },
  { key: 'nodeId', env: 'LECTERN_NODE_ID', flag: 'node-id', kind: 'string' },
]

function parseValue(kind: Kind, raw: string, source: string): string | number {
  if (kind === 'string') return raw
  if (kind === 'int') {
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 0) throw new Error(`${source}: expected a non-negative integer, got "${raw}"`)
    return value
  }
  // Durations accept "250ms" as well as the token TTL forms (30s, 10m, 1h).
  const millis = /^(\d+)ms$/.exec(raw.trim())
  if (millis) return Number(millis[1])
  try {
    return parseDurationSeconds(raw) * 1000
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`)
  }
}

export function resolveConfig(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv = process.env,
  base: RelayConfig = DEFAULTS,
): RelayConfig {
  const config: Record<string, unknown> = { ...base }
  for (const setting of SETTINGS) {
    const fromEnv = env[setting.env]
    if (fromEnv !== undefined && fromEnv !== '') config[setting.key] = parseValue(setting.kind, fromEnv, setting.env)
    const fromFlag = flags[setting.flag]
    if (fromFlag !== undefined) config[setting.key] = parseValue(setting.kind, fromFlag, `--${setting.flag}`)
  }
  const resolved = config as unknown as RelayConfig
  resolved.dataDir = resolve(resolved.dataDir)
  return resolved
}
