/**
 * The address a request comes from, for limits counted per client (anonymous redeems). Behind a
 * load balancer every connection comes from the balancer, so the client's address is read from
 * `X-Forwarded-For` — but only when the connection comes from a proxy the operator trusts
 * (`--trust-proxy`): anyone else could write any address into that header.
 */
import { BlockList, isIP } from 'node:net'

/** The proxies whose `X-Forwarded-For` is believed; build with `parseTrustedProxies`. */
export interface TrustedProxies {
  /** Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6) is one of them. */
  includes(address: string): boolean
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { includes: () => false }

/** Thrown for an entry of `--trust-proxy` that is neither an IP address nor a CIDR range. */
export class TrustedProxyError extends Error {
  constructor(readonly entry: string) {
    super(`"${entry}" is not an IP address or CIDR range (such as 10.0.0.1, 10.0.0.0/8, fd00::/8)`)
    this.name = 'TrustedProxyError'
  }
}

/** `127.0.0.1, 10.0.0.0/8, ::1` as a set of addresses; empty entries are skipped. */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList()
  let count = 0
  for (const raw of entries) {
    const entry = raw.trim()
    if (entry === '') continue
    const [text = '', prefixText, ...rest] = entry.split('/')
    const address = unmapIPv4(text)
    const family = isIP(address)
    const bits = family === 4 ? 32 : 128
    // `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8 written as IPv6.
    const mappedShift = family === 4 && address !== text ? 96 : 0
    const prefix = prefixText === undefined ? bits : Number(prefixText) - mappedShift
    if (family === 0 || rest.length > 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) || !(prefix >= 0 && prefix <= bits)) {
      throw new TrustedProxyError(entry)
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6')
    count++
  }
  if (count === 0) return NO_TRUSTED_PROXIES
  return {
    includes(address) {
      const plain = unmapIPv4(address)
      const family = isIP(plain)
      return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6')
    },
  }
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the right-most
 * `X-Forwarded-For` entry that is not itself a trusted proxy (each proxy appends the address it
 * was connected from, so entries left of that one were written by the client and prove nothing).
 * An entry that must be read and is not an address makes the header count as absent. Addresses
 * come back in one form (IPv4-mapped IPv6 as plain IPv4), so one client has one key. Node joins
 * repeated headers with commas (HAProxy adds its own line); a list is read the same way.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = socketAddress === undefined ? 'unknown' : normalize(socketAddress)
  if (forwardedFor === undefined || !trusted.includes(peer)) return peer
  const hops = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',')).split(',')
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalize(hops[i]!.trim())
    if (isIP(hop) === 0) return peer
    if (!trusted.includes(hop) || i === 0) return hop
  }
  return peer
}

function normalize(address: string): string {
  const plain = unmapIPv4(address)
  return isIP(plain) === 6 ? plain.toLowerCase() : plain
}

/** `::ffff:127.0.0.1` → `127.0.0.1`; anything else unchanged. */
function unmapIPv4(address: string): string {
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  return match && isIP(match[1]!) === 4 ? match[1]! : address
}
