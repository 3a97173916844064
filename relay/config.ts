/** Relay settings: their defaults and their rows in the settings table (see settings.ts). */
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../auth/claims.js'
import { resolveSettings, settingRows, type Setting } from './settings.js'

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

/** Every relay setting: `lectern serve --help` and the README's configuration table show these rows. */
export const RELAY_SETTINGS: ReadonlyArray<Setting<keyof RelayConfigSettings>> = [
  { key: 'host', flag: 'host', env: 'LECTERN_HOST', kind: 'text', placeholder: 'HOST', description: 'address to listen on' },
  { key: 'port', flag: 'port', env: 'LECTERN_PORT', kind: 'integer', placeholder: 'PORT', description: 'port to listen on (0: any free port)' },
  { key: 'dataDir', flag: 'data-dir', env: 'LECTERN_DATA_DIR', kind: 'text', placeholder: 'DIR', description: 'where keys, rooms, grants and the audit log live' },
  { key: 'issuer', flag: 'issuer', env: 'LECTERN_ISSUER', kind: 'text', placeholder: 'ISS', description: 'the iss claim of room tokens' },
  { key: 'audience', flag: 'audience', env: 'LECTERN_AUDIENCE', kind: 'text', placeholder: 'AUD', description: 'the aud claim of room tokens' },
  { key: 'maxFrameBytes', flag: 'max-frame-bytes', env: 'LECTERN_MAX_FRAME_BYTES', kind: 'integer', placeholder: 'BYTES', description: 'largest inbound frame (close 1009 above)' },
  { key: 'rateFramesPerSecond', flag: 'rate-frames-per-second', env: 'LECTERN_RATE_FRAMES_PER_SECOND', kind: 'integer', placeholder: 'N', description: 'inbound frames per second a session may sustain' },
  { key: 'rateFramesBurst', flag: 'rate-frames-burst', env: 'LECTERN_RATE_FRAMES_BURST', kind: 'integer', placeholder: 'N', description: 'inbound frames a session may send in a burst' },
  { key: 'rateBytesPerSecond', flag: 'rate-bytes-per-second', env: 'LECTERN_RATE_BYTES_PER_SECOND', kind: 'integer', placeholder: 'BYTES', description: 'inbound bytes per second a session may sustain' },
  { key: 'rateBytesBurst', flag: 'rate-bytes-burst', env: 'LECTERN_RATE_BYTES_BURST', kind: 'integer', placeholder: 'BYTES', description: 'inbound bytes a session may send in a burst' },
  { key: 'sendHighWaterBytes', flag: 'send-high-water-bytes', env: 'LECTERN_SEND_HIGH_WATER_BYTES', kind: 'integer', placeholder: 'BYTES', description: 'unsent bytes after which a receiver is closed with 4508' },
  { key: 'maxAwarenessClientsPerSession', flag: 'max-awareness-clients', env: 'LECTERN_MAX_AWARENESS_CLIENTS', kind: 'integer', placeholder: 'N', description: 'awareness client ids one session may own' },
  { key: 'maxAwarenessFrameBytes', flag: 'max-awareness-bytes', env: 'LECTERN_MAX_AWARENESS_BYTES', kind: 'integer', placeholder: 'BYTES', description: 'largest awareness frame a session may send' },
  { key: 'awarenessBytesPerSecond', flag: 'awareness-bytes-per-second', env: 'LECTERN_AWARENESS_BYTES_PER_SECOND', kind: 'integer', placeholder: 'BYTES', description: 'awareness bytes per second a session may have the room forward' },
  { key: 'awarenessBytesBurst', flag: 'awareness-bytes-burst', env: 'LECTERN_AWARENESS_BYTES_BURST', kind: 'integer', placeholder: 'BYTES', description: 'awareness bytes a session may have forwarded in a burst' },
  { key: 'maxUpdateStructs', flag: 'max-update-structs', env: 'LECTERN_MAX_UPDATE_STRUCTS', kind: 'integer', placeholder: 'N', description: 'structs plus delete ranges one update may carry' },
  { key: 'workPerSecond', flag: 'work-per-second', env: 'LECTERN_WORK_PER_SECOND', kind: 'integer', placeholder: 'N', description: 'document work (structs applied or walked) per session per second' },
  { key: 'workBurst', flag: 'work-burst', env: 'LECTERN_WORK_BURST', kind: 'integer', placeholder: 'N', description: 'document work a session may do in a burst' },
  { key: 'flushIntervalMs', flag: 'flush-interval', env: 'LECTERN_FLUSH_INTERVAL', kind: 'milliseconds', placeholder: 'DURATION', description: 'how often room updates are written and fsynced' },
  { key: 'roomIdleUnloadMs', flag: 'room-idle-unload', env: 'LECTERN_ROOM_IDLE_UNLOAD', kind: 'milliseconds', placeholder: 'DURATION', description: 'a room with no sessions is saved and unloaded after this' },
  { key: 'compactAfterBytes', flag: 'compact-after-bytes', env: 'LECTERN_COMPACT_AFTER_BYTES', kind: 'integer', placeholder: 'BYTES', description: 'room log size that triggers a snapshot' },
  { key: 'pingIntervalMs', flag: 'ping-interval', env: 'LECTERN_PING_INTERVAL', kind: 'milliseconds', placeholder: 'DURATION', description: 'WebSocket ping interval; a peer silent for two is dropped' },
  { key: 'keepaliveIntervalMs', flag: 'keepalive-interval', env: 'LECTERN_KEEPALIVE_INTERVAL', kind: 'milliseconds', placeholder: 'DURATION', description: 'a session sent nothing this long gets an empty awareness frame' },
  { key: 'logLevel', flag: 'log-level', env: 'LECTERN_LOG_LEVEL', kind: 'text', placeholder: 'LEVEL', description: 'fatal, error, warn, info, debug, trace or silent' },
  { key: 'redisUrl', flag: 'redis', env: 'LECTERN_REDIS_URL', kind: 'text', placeholder: 'URL', description: 'cluster mode: the Redis every node shares (redis://HOST:PORT[/DB])', defaultText: '(none: one node, embedded)' },
  { key: 'nodeId', flag: 'node-id', env: 'LECTERN_NODE_ID', kind: 'text', placeholder: 'NAME', description: "this node's name in the cluster", defaultText: 'HOST-PID' },
]

/** The settings a flag or environment variable can set (the clock tolerance is fixed). */
type RelayConfigSettings = Omit<RelayConfig, 'clockToleranceSeconds'>

/** flag > environment > default; the data directory comes back as an absolute path. */
export function resolveConfig(flags: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): RelayConfig {
  const config = resolveSettings(RELAY_SETTINGS, DEFAULTS, flags, env)
  return { ...config, dataDir: resolve(config.dataDir) }
}

/** The relay's rows of `serve --help` and of the README's configuration table. */
export const RELAY_FLAG_ROWS = settingRows(RELAY_SETTINGS, DEFAULTS)
