/**
 * Issue 12 #12: anonymous redeems are rate-limited per client address (429 + Retry-After), and
 * refused redeems past a threshold are counted instead of written one audit line each.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../auth/audit.js'
import { RedeemGuard, REFUSALS_AUDITED_PER_MINUTE } from '../../auth/service/redeem-guard.js'
import { TOKEN_SERVICE_DEFAULTS } from '../../auth/service/settings.js'
import { useTestRelay } from '../support/relay-fixture.js'
import { adminApi, lecternApi } from '../support/token-service-client.js'

const fixture = useTestRelay()

const limits = { ...TOKEN_SERVICE_DEFAULTS, redeemRatePerSecond: 0.01, redeemBurst: 1 }

/** The status of an anonymous redeem of a wrong code, from the client a proxy names. */
function redeemAs(relay: { url: string }, forwardedFor: string): Promise<number> {
  return fetch(`${relay.url.replace(/^ws/, 'http')}/api/v1/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ code: 'lct_share_guess' }),
  }).then((response) => response.status)
}

describe('redeem limits', () => {
  it('answers 429 with Retry-After once an address has used its burst; guests with a key are not held up', async () => {
    const relay = await fixture.start({}, { tokenService: { ...TOKEN_SERVICE_DEFAULTS, redeemRatePerSecond: 0.01, redeemBurst: 5 } })
    const api = lecternApi(relay.url)
    const { code } = await (await adminApi(relay)).createLink('r', { scope: 'read' })
    const first = await api.redeem({ code })
    for (let i = 0; i < 4; i++) await expect(api.redeem({ code: `lct_share_wrong${i}` })).rejects.toMatchObject({ status: 404 })

    const response = await fetch(`${relay.url.replace(/^ws/, 'http')}/api/v1/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    })
    expect(response.status).toBe(429)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await response.json()).toMatchObject({ error: 'rate_limited' })
    expect(await api.withCredential(first.guestKey!).redeem({ code })).toMatchObject({ subject: first.subject })
  })

  it('counts each client a trusted proxy names on its own, and ignores the header from anyone else (issue 8)', async () => {
    const behindProxy = await fixture.start({}, { tokenService: { ...limits, trustProxy: ['127.0.0.1'] } })
    expect(await redeemAs(behindProxy, '198.51.100.1')).toBe(404)
    expect(await redeemAs(behindProxy, '198.51.100.2')).toBe(404)
    expect(await redeemAs(behindProxy, '198.51.100.1')).toBe(429)
    // A client cannot pass for another by writing the header itself: the proxy appends its address.
    expect(await redeemAs(behindProxy, '203.0.113.5, 198.51.100.2')).toBe(429)

    const direct = await fixture.start({}, { tokenService: limits })
    expect(await redeemAs(direct, '198.51.100.1')).toBe(404)
    expect(await redeemAs(direct, '198.51.100.2')).toBe(429)
  })

  it('counts an IPv6 client by its /64, so fresh addresses of one host share one limit', async () => {
    const relay = await fixture.start({}, { tokenService: { ...limits, trustProxy: ['127.0.0.1'] } })
    expect(await redeemAs(relay, '2001:db8:0:1::a')).toBe(404)
    expect(await redeemAs(relay, '2001:0db8:0000:0001:ffff:1:2:3')).toBe(429)
    expect(await redeemAs(relay, '2001:db8:0:1::1.2.3.4')).toBe(429)
    expect(await redeemAs(relay, '2001:db8:0:2::a')).toBe(404)
    expect(await redeemAs(relay, '::ffff:198.51.100.7')).toBe(404)
    expect(await redeemAs(relay, '198.51.100.7')).toBe(429)
    expect(await redeemAs(relay, '198.51.100.8')).toBe(404)
  })

  it(`writes at most ${REFUSALS_AUDITED_PER_MINUTE} refused redeems a minute one line each`, async () => {
    const relay = await fixture.start()
    const api = lecternApi(relay.url)
    for (let i = 0; i < 60; i++) await expect(api.redeem({ code: `lct_share_guess${i}` })).rejects.toMatchObject({ status: 404 })
    const events = (await readFile(join(relay.dataDir, 'audit.log'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AuditEvent)
    expect(events.filter((event) => event.action === 'link.redeem_refused')).toHaveLength(REFUSALS_AUDITED_PER_MINUTE)
  })

  it('counts the refusals it left out in one line when the minute is over', () => {
    let now = 0
    const guard = new RedeemGuard(10, 600, () => now)
    const refusal: AuditEvent = { action: 'link.redeem_refused', actor: 'anonymous', reason: 'unknown_code' }
    const written = Array.from({ length: REFUSALS_AUDITED_PER_MINUTE + 25 }, () => guard.auditRefusal(refusal)).flat()
    expect(written).toHaveLength(REFUSALS_AUDITED_PER_MINUTE)
    now += 60_000
    expect(guard.auditRefusal(refusal)).toEqual([
      { action: 'link.redeem_refused', actor: 'anonymous', reason: 'not_logged_one_by_one', count: 25 },
      refusal,
    ])
  })
})
