/**
 * Where the Redis document store keeps a room, and the Lua scripts that make its multi-key steps
 * atomic. The room name sits in a hash tag (`{room}`), so a room's keys share one slot should the
 * deployment move to Redis Cluster.
 */
export interface RoomKeys {
  /** Stream of the room's updates and awareness changes (XADD), trimmed by compaction. */
  stream: string
  /** Hash: `state` (the compacted document) and `id` (the last stream entry it covers). */
  snapshot: string
  /** Compaction lease (SET NX PX): one node at a time compacts a room. */
  lease: string
}

export const KEY_PREFIX = 'lectern:'

export function roomKeys(room: string): RoomKeys {
  const base = `${KEY_PREFIX}room:{${room}}`
  return { stream: `${base}:stream`, snapshot: `${base}:snapshot`, lease: `${base}:compact` }
}

/** A node's liveness lease; its awareness states are removed once it has expired. */
export function nodeKey(member: string): string {
  return `${KEY_PREFIX}node:${member}`
}

/**
 * Reads snapshot and stream in one step, so a compaction cannot fall between them.
 * KEYS: snapshot, stream. Returns { state or nil, covered id or nil, entries }.
 */
export const LOAD_SCRIPT = `
local snapshot = redis.call('HMGET', KEYS[1], 'state', 'id')
return { snapshot[1], snapshot[2], redis.call('XRANGE', KEYS[2], '-', '+') }
`

/**
 * Replaces the room's snapshot and trims the stream entries it covers, unless the lease was lost or
 * a newer snapshot is already there (a slower node must never trim what it did not read). Another
 * node may not have read the trimmed entries yet: a marker entry (`t`: the last id trimmed) tells
 * it, and a node that reaches the marker before it read that id resyncs from the snapshot.
 * KEYS: snapshot, stream, lease. ARGV: state, covered ms, covered seq, lease token, member.
 * Returns 1 when written, 0 when a newer snapshot stands, -1 when the lease was lost.
 */
export const COMPACT_SCRIPT = `
if redis.call('GET', KEYS[3]) ~= ARGV[4] then return -1 end
redis.call('DEL', KEYS[3])
local ms, seq = tonumber(ARGV[2]), tonumber(ARGV[3])
local current = redis.call('HGET', KEYS[1], 'id')
if current then
  local cms, cseq = string.match(current, '^(%d+)-(%d+)$')
  cms, cseq = tonumber(cms), tonumber(cseq)
  if cms > ms or (cms == ms and cseq >= seq) then return 0 end
end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'id', ARGV[2] .. '-' .. ARGV[3])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[2] .. '-' .. (seq + 1))
redis.call('XADD', KEYS[2], '*', 'n', ARGV[5], 't', ARGV[2] .. '-' .. ARGV[3])
return 1
`

/** Releases a lease only if it is still ours. KEYS: lease. ARGV: token. */
export const RELEASE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`
