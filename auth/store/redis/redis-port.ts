/**
 * What the Redis access stores need of a Redis connection: raw commands, and a second connection
 * for a blocking read. The relay's RedisConnection provides it (reconnecting, health); auth/ only
 * names the shape, so it never imports the relay.
 */
export type RedisArg = string | Buffer
export type RedisReply = Buffer | string | number | null | RedisReply[] | { [key: string]: RedisReply }

export interface RedisPort {
  /** Null while connected; otherwise why Redis cannot be used (commands would wait for it). */
  readonly down: string | null
  command(args: RedisArg[]): Promise<RedisReply>
  /** Another connection to the same Redis, not yet connected. */
  duplicate(name: string): RedisPort
  connect(): Promise<void>
  close(): Promise<void>
}

/** A bulk string reply as text, or undefined for nil. */
export function textOrNil(reply: RedisReply | undefined): string | undefined {
  if (reply === null || reply === undefined) return undefined
  if (Buffer.isBuffer(reply)) return reply.toString()
  if (typeof reply === 'string' || typeof reply === 'number') return String(reply)
  throw new Error(`expected a string from Redis, got ${JSON.stringify(reply)}`)
}

export function listOf(reply: RedisReply): RedisReply[] {
  if (reply === null) return []
  if (!Array.isArray(reply)) throw new Error(`expected a list from Redis, got ${JSON.stringify(reply)}`)
  return reply
}

/** A list of JSON documents (nil entries skipped: a key removed while the list was being read). */
export function jsonList<T>(reply: RedisReply): T[] {
  const items: T[] = []
  for (const item of listOf(reply)) {
    const text = textOrNil(item)
    if (text !== undefined) items.push(JSON.parse(text) as T)
  }
  return items
}

/** HGETALL-style flat [field, value, ...] lists (or RESP3 maps) as a plain record. */
export function recordOf(reply: RedisReply): Record<string, string> {
  const record: Record<string, string> = {}
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) record[textOrNil(reply[i])!] = textOrNil(reply[i + 1]) ?? ''
  } else if (reply !== null && typeof reply === 'object' && !Buffer.isBuffer(reply)) {
    for (const [field, value] of Object.entries(reply)) record[field] = textOrNil(value) ?? ''
  }
  return record
}

/** Stream ids compare as (milliseconds, sequence). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = splitId(a)
  const [bMs, bSeq] = splitId(b)
  return aMs === bMs ? aSeq - bSeq : aMs - bMs
}

export function splitId(id: string): [number, number] {
  const dash = id.indexOf('-')
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))]
}
