/**
 * Lectern as the bench runs it: the embedded backend (or, for the cluster bench, the Redis in
 * BENCH_REDIS_URL), real tokens, defaults but for the rate limit.
 */
import { DEFAULTS, type RelayConfig } from '../../relay/config.js'
import { startRelay } from '../../relay/start.js'
import { benchDataDir, serveUnderHarness } from './harness.js'

/**
 * The closed-loop and document-building scenarios push one writer past the default 500 frames/s;
 * the limiter still runs on every frame, it just never pauses a bench session.
 */
const UNLIMITED = 1_000_000_000

const config: RelayConfig = {
  ...DEFAULTS,
  host: '127.0.0.1',
  port: 0,
  dataDir: benchDataDir(),
  logLevel: 'warn',
  rateFramesPerSecond: UNLIMITED,
  rateFramesBurst: UNLIMITED,
  rateBytesPerSecond: UNLIMITED,
  rateBytesBurst: UNLIMITED,
  redisUrl: process.env.BENCH_REDIS_URL ?? '',
  nodeId: process.env.BENCH_NODE_ID ?? DEFAULTS.nodeId,
}

await serveUnderHarness(async () => {
  const relay = await startRelay(config)
  return { port: relay.port, stop: () => relay.close() }
})
