/**
 * Where the Redis access store keeps grants and links, and the Lua scripts that make each change
 * one atomic step. Every key sits under one hash tag (`{access}`), so a redeem that touches a link,
 * a grant and their indexes stays in one slot should the deployment move to Redis Cluster. Each
 * script takes the key prefix as ARGV[1] and derives the keys it touches from it.
 *
 * Keys: `grant:<id>` (JSON), `room-grants:<room>` (hash subject -> grant id), `subject-grants:<subject>`
 * (set of grant ids), `timed` (sorted set of grant ids by when their timed layer lapses, ms),
 * `link:<id>` (hash: the link's JSON plus its changing fields), `room-links:<room>` (list of link
 * ids, oldest first), `code:<code hash>` (link id). A room may be a prefix (`course-101/*`): it is just a name here.
 */
export const ACCESS_PREFIX = 'lectern:{access}:'

/** Whether (room, subject) still holds the grant the caller read (id and revision), or none when id is ''. */
const GRANT_UNCHANGED = `
local function grant_unchanged(p, room, subject, id, revision)
  local current = redis.call('HGET', p .. 'room-grants:' .. room, subject)
  if id == '' then return not current end
  if current ~= id then return false end
  local json = redis.call('GET', p .. 'grant:' .. id)
  return json and cjson.decode(json).revision == tonumber(revision)
end
local function write_grant(p, room, subject, id, json, until_ms)
  redis.call('SET', p .. 'grant:' .. id, json)
  redis.call('HSET', p .. 'room-grants:' .. room, subject, id)
  redis.call('SADD', p .. 'subject-grants:' .. subject, id)
  if until_ms ~= '' then redis.call('ZADD', p .. 'timed', until_ms, id) else redis.call('ZREM', p .. 'timed', id) end
end
local function delete_grant(p, room, subject, id)
  redis.call('DEL', p .. 'grant:' .. id)
  redis.call('HDEL', p .. 'room-grants:' .. room, subject)
  redis.call('SREM', p .. 'subject-grants:' .. subject, id)
  redis.call('ZREM', p .. 'timed', id)
end
`

/**
 * ARGV: prefix, room, subject, expected id, expected revision, id, JSON, when its timed layer lapses
 * (ms, '' for never). Returns 1, or 0 if the grant changed meanwhile.
 */
export const PUT_GRANT = `${GRANT_UNCHANGED}
local p = ARGV[1]
if not grant_unchanged(p, ARGV[2], ARGV[3], ARGV[4], ARGV[5]) then return 0 end
write_grant(p, ARGV[2], ARGV[3], ARGV[6], ARGV[7], ARGV[8])
return 1
`

/**
 * Many compare-and-set writes in one step (a link revocation, timed layers lapsing together).
 * ARGV: prefix, then per grant seven values: room, subject, expected id, expected revision, new id
 * ('' deletes the grant), JSON, when its timed layer lapses (ms, '' for never).
 * Returns, per grant, 1 when written or 0 when it changed meanwhile.
 */
export const REWRITE_GRANTS = `${GRANT_UNCHANGED}
local p = ARGV[1]
local out = {}
for i = 2, #ARGV, 7 do
  local room, subject, id = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if not grant_unchanged(p, room, subject, id, ARGV[i + 3]) then
    table.insert(out, 0)
  else
    if ARGV[i + 4] == '' then delete_grant(p, room, subject, id) else write_grant(p, room, subject, ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]) end
    table.insert(out, 1)
  end
end
return out
`

/** ARGV: prefix, now (ms). The JSON of every grant whose timed layer is due. */
export const TIMED_DUE = `
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', ARGV[1] .. 'timed', '-inf', ARGV[2])) do
  local json = redis.call('GET', ARGV[1] .. 'grant:' .. id)
  if json then table.insert(out, json) end
end
return out
`

/** ARGV: prefix, room, subject. Returns the deleted grant's JSON, or nil. */
export const DELETE_GRANT = `${GRANT_UNCHANGED}
local p = ARGV[1]
local id = redis.call('HGET', p .. 'room-grants:' .. ARGV[2], ARGV[3])
if not id then return false end
local json = redis.call('GET', p .. 'grant:' .. id)
delete_grant(p, ARGV[2], ARGV[3], id)
return json
`

/**
 * Checks the link at `at`, checks the redeemer's grant is as read, counts the use and writes the
 * grant (when it changes), all at once. ARGV: prefix, link id, at (ms), room, subject, expected grant
 * id, expected revision, new grant id ('' when the grant stays as it is), new grant JSON, when its
 * timed layer lapses (ms, '' for never).
 * Returns the link's new use count, or why not: a refusal code, or 'conflict' (read again).
 */
export const REDEEM = `${GRANT_UNCHANGED}
local p = ARGV[1]
local link = p .. 'link:' .. ARGV[2]
local state = redis.call('HMGET', link, 'revokedAt', 'uses', 'maxUses', 'expiresAtMs')
if not state[2] then return 'unknown_code' end
if state[1] ~= '' then return 'link_revoked' end
if state[3] ~= '' and tonumber(state[2]) >= tonumber(state[3]) then return 'link_used_up' end
if tonumber(state[4]) <= tonumber(ARGV[3]) then return 'link_expired' end
if not grant_unchanged(p, ARGV[4], ARGV[5], ARGV[6], ARGV[7]) then return 'conflict' end
if ARGV[8] ~= '' then write_grant(p, ARGV[4], ARGV[5], ARGV[8], ARGV[9], ARGV[10]) end
return redis.call('HINCRBY', link, 'uses', 1)
`

/** ARGV: prefix, id, room, code hash, JSON, max uses ('' for none), expiry (ms). */
export const ADD_LINK = `
local p = ARGV[1]
redis.call('HSET', p .. 'link:' .. ARGV[2], 'link', ARGV[5], 'room', ARGV[3], 'uses', 0, 'maxUses', ARGV[6],
  'expiresAtMs', ARGV[7], 'revokedAt', '', 'revokedBy', '')
redis.call('RPUSH', p .. 'room-links:' .. ARGV[3], ARGV[2])
redis.call('SET', p .. 'code:' .. ARGV[4], ARGV[2])
return 1
`

/**
 * Marks the link revoked (once) and, when asked, finds the grants it gave something (a layer naming
 * it): the caller takes that back from each with a compare-and-set write.
 * ARGV: prefix, room, link id, at (ISO), actor, '1' to find its grants.
 * Returns nil when the room has no such link, else { link hash, [grant JSON...] }.
 */
export const REVOKE_LINK = `
local p = ARGV[1]
local link = p .. 'link:' .. ARGV[3]
if redis.call('HGET', link, 'room') ~= ARGV[2] then return false end
if redis.call('HGET', link, 'revokedAt') == '' then redis.call('HSET', link, 'revokedAt', ARGV[4], 'revokedBy', ARGV[5]) end
local given = {}
if ARGV[6] == '1' then
  for _, id in ipairs(redis.call('HVALS', p .. 'room-grants:' .. ARGV[2])) do
    local json = redis.call('GET', p .. 'grant:' .. id)
    local grant = json and cjson.decode(json)
    local gave = grant and grant.linkId == ARGV[3]
    for _, layer in ipairs(grant and grant.layers or {}) do
      if layer.linkId == ARGV[3] then gave = true end
    end
    if gave then table.insert(given, json) end
  end
end
return { redis.call('HGETALL', link), given }
`

/** ARGV: prefix, room, subject. The grant's JSON or nil. */
export const GRANT_FOR = `
local id = redis.call('HGET', ARGV[1] .. 'room-grants:' .. ARGV[2], ARGV[3])
if not id then return false end
return redis.call('GET', ARGV[1] .. 'grant:' .. id)
`

/** ARGV: prefix, room. The JSON of every grant on the room. */
export const ROOM_GRANTS = `
local out = {}
for _, id in ipairs(redis.call('HVALS', ARGV[1] .. 'room-grants:' .. ARGV[2])) do
  local json = redis.call('GET', ARGV[1] .. 'grant:' .. id)
  if json then table.insert(out, json) end
end
return out
`

/** ARGV: prefix, subjects... The JSON of every grant any of them holds. */
export const SUBJECT_GRANTS = `
local out = {}
for i = 2, #ARGV do
  for _, id in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'subject-grants:' .. ARGV[i])) do
    local json = redis.call('GET', ARGV[1] .. 'grant:' .. id)
    if json then table.insert(out, json) end
  end
end
return out
`

/** ARGV: prefix, room. Every link hash of the room. */
export const ROOM_LINKS = `
local out = {}
for _, id in ipairs(redis.call('LRANGE', ARGV[1] .. 'room-links:' .. ARGV[2], 0, -1)) do
  table.insert(out, redis.call('HGETALL', ARGV[1] .. 'link:' .. id))
end
return out
`

/** ARGV: prefix, code hash. The link hash, or an empty list. */
export const LINK_BY_CODE = `
local id = redis.call('GET', ARGV[1] .. 'code:' .. ARGV[2])
if not id then return {} end
return redis.call('HGETALL', ARGV[1] .. 'link:' .. id)
`
