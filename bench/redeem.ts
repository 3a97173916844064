/**
 * Redeem throughput of one public share link as its guests pile up: a relay on a temporary data
 * directory, one read link, N anonymous redeems over real HTTP (C at a time), reported per
 * thousand redeems so the rate with many grants already stored is visible.
 *
 *   npm run build && node dist/bench/redeem.js [--guests 6000] [--concurrency 8]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readFile } from 'node:fs/promises'
import { DEFAULTS } from '../relay/config.js'
import { createLogger } from '../relay/logger.js'
import { startRelay } from '../relay/start.js'
import { TOKEN_SERVICE_DEFAULTS } from '../auth/service/settings.js'

const { values } = parseArgs({
  options: { guests: { type: 'string', default: '6000' }, concurrency: { type: 'string', default: '8' } },
})
const guests = Number(values.guests)
const concurrency = Number(values.concurrency)
const WINDOW = 1000

const dataDir = await mkdtemp(join(tmpdir(), 'lectern-bench-redeem-'))
// The bench's guests all come from 127.0.0.1: lift the per-address redeem limit out of the way.
const tokenService = { ...TOKEN_SERVICE_DEFAULTS, redeemRatePerSecond: 1_000_000, redeemBurst: 1_000_000 }
const relay = await startRelay({ ...DEFAULTS, port: 0, dataDir, logLevel: 'silent' }, { logger: createLogger('silent'), tokenService })
const api = `${relay.url.replace(/^ws/, 'http')}/api/v1`
const admin = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim()

const created = await fetch(`${api}/rooms/tutorial/links`, {
  method: 'POST',
  headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
  body: JSON.stringify({ scope: 'read' }),
})
const { code } = (await created.json()) as { code: string }

let next = 0
let done = 0
let failed = 0
let windowStart = performance.now()
const rates: number[] = []
async function worker(): Promise<void> {
  while (next < guests) {
    next++
    const response = await fetch(`${api}/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, displayName: `guest ${next}` }),
    })
    await response.arrayBuffer()
    if (response.status !== 200) failed++
    done++
    if (done % WINDOW === 0) {
      const now = performance.now()
      rates.push(Math.round((WINDOW * 1000) / (now - windowStart)))
      windowStart = now
    }
  }
}
const started = performance.now()
await Promise.all(Array.from({ length: concurrency }, () => worker()))
const seconds = (performance.now() - started) / 1000
await relay.close()
await rm(dataDir, { recursive: true, force: true })

process.stdout.write(
  `${JSON.stringify({ guests, concurrency, failed, seconds: Number(seconds.toFixed(1)), overallPerSecond: Math.round(guests / seconds), perThousand: rates })}\n`,
)
