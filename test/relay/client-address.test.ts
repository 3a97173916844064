/**
 * Issue 8: behind a load balancer the client's address comes from X-Forwarded-For, but only when
 * the connection comes from a proxy named in --trust-proxy, and only the entries trusted proxies
 * appended count.
 */
import { describe, expect, it } from 'vitest'
import { clientAddress, NO_TRUSTED_PROXIES, parseTrustedProxies, TrustedProxyError } from '../../relay/http/client-address.js'
import { SettingError } from '../../relay/settings.js'
import { resolveTokenServiceSettings } from '../../relay/token-service-config.js'

describe('trusted proxies', () => {
  const trusted = parseTrustedProxies(['127.0.0.1', ' 10.0.0.0/8 ', 'fd00::/8', '::1'])

  it('matches addresses and CIDR ranges, IPv4, IPv6 and IPv4-mapped IPv6', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '10.255.255.255', '::ffff:127.0.0.1', '::FFFF:10.9.8.7', 'fd12:3456::1', '::1']) {
      expect(trusted.includes(address), address).toBe(true)
    }
    for (const address of ['127.0.0.2', '11.0.0.1', '192.168.1.1', 'fe80::1', '::2', '::ffff:127.0.0.2', 'not an address', '']) {
      expect(trusted.includes(address), address).toBe(false)
    }
  })

  it('takes an IPv4 range written as IPv4-mapped IPv6', () => {
    const mapped = parseTrustedProxies(['::ffff:192.168.0.0/112'])
    expect(mapped.includes('192.168.3.4')).toBe(true)
    expect(mapped.includes('192.169.0.1')).toBe(false)
  })

  it('refuses entries that are not addresses or ranges, naming them', () => {
    for (const entry of ['localhost', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/x', '1.2.3.4:80', '::ffff:10.0.0.0/95']) {
      expect(() => parseTrustedProxies([entry]), entry).toThrow(TrustedProxyError)
    }
    expect(() => parseTrustedProxies(['127.0.0.1', 'proxy.internal'])).toThrow('"proxy.internal" is not an IP address or CIDR range')
  })

  it('trusts nobody when given no entries', () => {
    expect(parseTrustedProxies([]).includes('127.0.0.1')).toBe(false)
    expect(parseTrustedProxies(['', ' ']).includes('127.0.0.1')).toBe(false)
  })
})

describe('client address', () => {
  const trusted = parseTrustedProxies(['127.0.0.1', '10.0.0.0/8'])

  it('is the socket address when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', NO_TRUSTED_PROXIES)).toBe('203.0.113.9')
    expect(clientAddress('127.0.0.1', '198.51.100.1', NO_TRUSTED_PROXIES)).toBe('127.0.0.1')
  })

  it('ignores the header sent by a client that is not a trusted proxy', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', trusted)).toBe('203.0.113.9')
  })

  it('takes the right-most entry that is not a trusted proxy', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.1', trusted)).toBe('198.51.100.1')
    // The client wrote 192.0.2.66 itself; the balancer appended the address it really came from.
    expect(clientAddress('127.0.0.1', '192.0.2.66, 198.51.100.1', trusted)).toBe('198.51.100.1')
    // Two trusted hops: the edge proxy 10.1.1.1 forwarded to the balancer.
    expect(clientAddress('::ffff:127.0.0.1', '192.0.2.66,198.51.100.1 , 10.1.1.1', trusted)).toBe('198.51.100.1')
  })

  it('takes the left-most entry when every entry is a trusted proxy', () => {
    expect(clientAddress('127.0.0.1', '10.2.2.2, 10.1.1.1', trusted)).toBe('10.2.2.2')
  })

  it('reads IPv6 and IPv4-mapped entries and gives one form per address', () => {
    expect(clientAddress('127.0.0.1', '2001:DB8::7', trusted)).toBe('2001:db8::7')
    expect(clientAddress('127.0.0.1', '::ffff:198.51.100.1', trusted)).toBe('198.51.100.1')
    expect(clientAddress('::ffff:203.0.113.9', undefined, trusted)).toBe('203.0.113.9')
    expect(clientAddress('::1', '198.51.100.1', parseTrustedProxies(['::1']))).toBe('198.51.100.1')
  })

  it('falls back to the socket address when the entries it must read are malformed', () => {
    for (const header of ['', ' ', 'unknown', '198.51.100.1:4711', '198.51.100.1,', '198.51.100.1, not-an-ip', '[2001:db8::1]', '198.51.100.1;proto=http']) {
      expect(clientAddress('127.0.0.1', header, trusted), header).toBe('127.0.0.1')
    }
    // Garbage the client wrote left of the address a trusted proxy appended is never read.
    expect(clientAddress('127.0.0.1', 'garbage, 198.51.100.1', trusted)).toBe('198.51.100.1')
  })

  it('reads repeated header lines as one list', () => {
    expect(clientAddress('127.0.0.1', ['192.0.2.66', '198.51.100.1'], trusted)).toBe('198.51.100.1')
  })

  it('says unknown without a socket address', () => {
    expect(clientAddress(undefined, '198.51.100.1', trusted)).toBe('unknown')
  })
})

describe('--trust-proxy', () => {
  it('is read from the flag or LECTERN_TRUST_PROXY, the flag winning, and is empty by default', () => {
    expect(resolveTokenServiceSettings({}, {}, 5).trustProxy).toBeUndefined()
    expect(resolveTokenServiceSettings({}, { LECTERN_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,' }, 5).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8'])
    expect(resolveTokenServiceSettings({ 'trust-proxy': '::1' }, { LECTERN_TRUST_PROXY: '127.0.0.1' }, 5).trustProxy).toEqual(['::1'])
  })

  it('refuses a list with an entry that is not an address at start', () => {
    expect(() => resolveTokenServiceSettings({}, { LECTERN_TRUST_PROXY: '10.0.0.0/8, lb.internal' }, 5)).toThrow(SettingError)
  })
})
