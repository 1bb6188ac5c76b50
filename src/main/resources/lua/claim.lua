-- Claims one unit of a pool for an actor, atomically: idempotency, window, limit, stock, PENDING record.
-- KEYS[1] meta      hash of the pool (see define-pool.lua)
-- KEYS[2] stock     counter, or list of item names for item pools
-- KEYS[3] holders   hash actorId -> claims the actor holds in this scope (waiting ones included)
-- KEYS[4] pending   hash claimId -> claim JSON, until the persister has stored the claim
-- KEYS[5] idem      the id of the claim this actor's idempotency key already produced (only what a replay needs:
--                   the claim itself is read where it lives, see REPLAYED)
-- KEYS[6] waitlist  list of claimIds waiting for this pool (used when meta.waitlist = '1')
-- KEYS[7] confirmed set of claimIds known to be durable (acknowledged by Kafka or taken over by the persister)
-- KEYS[9] unsent    sorted set claimId -> claim time of claims not yet known to be in Kafka (for the sweeper)
-- KEYS[8] claims    hash claimId -> current claim JSON, kept for pools with items or a waiting list so that a
--                   claim can later be released and a waiting one promoted (release-and-promote.lua)
-- KEYS[10] day      (pools with a daily quota only) counter of the claims granted on the claim's day
-- KEYS[11] dayholders hash actorId -> claims granted to the actor on that day
-- ARGV[1] now (epoch ms, the server's clock), ARGV[2] actorId, ARGV[3] claim JSON without item/seq/status,
-- ARGV[4] idempotency TTL in seconds
-- ARGV[5] units per day (0: no daily cap), ARGV[6] per actor per day (0: none), ARGV[7] when the day's counters
-- expire (epoch seconds): with KEYS[10..11] only. The caller names the day (its clock, the pool's zone).
-- Returns {code, number, claim JSON, position, waitlist}, and for GRANTED and WAITLISTED also {seq, item}: what the
-- script added to the draft (its status follows from the code; item only for pools with items), so the caller has the
-- claim without reading the JSON back; the JSON is what Kafka is sent, as it is:
--   0 GRANTED      number = stock left after this claim; waitlist = 1 when the pool has a waiting list
--                  (then an empty pool is not sold out: later claims wait)
--   1 REPLAYED     number = 1 when the earlier claim is durable, 0 while it is still on its way;
--                  a fourth element gives a waiting claim's current position (0 when not waiting); the claim JSON
--                  comes from pending (not stored yet) or claims, and is '' when Redis keeps no copy (a stored
--                  claim of a counted pool: the caller reads it from Postgres by the sixth element, its id)
--   2 SOLD_OUT, 3 LIMIT_REACHED, 4 NOT_STARTED, 5 ENDED, 6 PAUSED, 7 UNKNOWN_POOL
--   8 WAITLISTED   number = position in the waiting list (1 = next)
--   9 DAILY_SOLD_OUT       the day's units are gone while the pool still has stock (never answered as SOLD_OUT:
--                          the pool is not sold out, tomorrow has units)
--  10 DAILY_LIMIT_REACHED  the actor was granted as many as allowed on this day
-- [replay: idempotency entry holds the claim id; an entry of an older version holds the whole claim JSON]
local earlierId = redis.call('GET', KEYS[5])
if earlierId then
  local legacy = false
  if string.sub(earlierId, 1, 1) == '{' then
    legacy = earlierId
    earlierId = cjson.decode(legacy).eventId
  end
  local pending = redis.call('HGET', KEYS[4], earlierId)
  local earlier = pending or legacy or redis.call('HGET', KEYS[8], earlierId)
  local onItsWay = pending and redis.call('SISMEMBER', KEYS[7], earlierId) == 0
  local position = 0
  if earlier and cjson.decode(earlier).status == 'WAITING' then
    position = (redis.call('LPOS', KEYS[6], earlierId) or -1) + 1
  end
  return {1, onItsWay and 0 or 1, earlier or '', position, 0, earlierId}
end
-- [end replay]

local meta = redis.call('HMGET', KEYS[1], 'opensAt', 'closesAt', 'limit', 'waitlist', 'paused', 'items')
if not meta[1] then return {7, 0, ''} end
local now = tonumber(ARGV[1])
if meta[5] == '1' then return {6, 0, ''} end
if now < tonumber(meta[1]) then return {4, 0, ''} end
if now >= tonumber(meta[2]) then return {5, 0, ''} end

local held = tonumber(redis.call('HGET', KEYS[3], ARGV[2]) or '0')
if held >= tonumber(meta[3]) then return {3, 0, ''} end

-- [daily quota: refused only while the pool itself has stock, so an empty pool stays SOLD_OUT]
local daily = #KEYS >= 11
if daily then
  local perActor = tonumber(ARGV[6])
  if perActor > 0 and tonumber(redis.call('HGET', KEYS[11], ARGV[2]) or '0') >= perActor then return {10, 0, ''} end
  local units = tonumber(ARGV[5])
  if units > 0 and tonumber(redis.call('GET', KEYS[10]) or '0') >= units then
    local inStock
    if meta[6] == '1' then inStock = redis.call('LLEN', KEYS[2]) > 0 else inStock = tonumber(redis.call('GET', KEYS[2]) or '0') > 0 end
    if inStock then return {9, 0, ''} end
  end
end
-- [end daily quota]

local claim = cjson.decode(ARGV[3])
claim.seq = held + 1
local code, number, item
if meta[6] == '1' then
  local popped = redis.call('LPOP', KEYS[2])
  if popped then
    item = popped
    claim.item = item
    code, number = 0, redis.call('LLEN', KEYS[2])
  end
else
  if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
    code, number = 0, redis.call('DECR', KEYS[2])
  end
end
if code == 0 then
  claim.status = 'HELD'
  if daily then
    redis.call('INCR', KEYS[10])
    redis.call('HINCRBY', KEYS[11], ARGV[2], 1)
    redis.call('EXPIREAT', KEYS[10], ARGV[7])
    redis.call('EXPIREAT', KEYS[11], ARGV[7])
  end
elseif meta[4] == '1' then
  claim.status = 'WAITING'
  code, number = 8, redis.call('RPUSH', KEYS[6], claim.eventId)
else
  return {2, 0, ''}
end

local json = cjson.encode(claim)
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('HSET', KEYS[4], claim.eventId, json)
redis.call('ZADD', KEYS[9], ARGV[1], claim.eventId)
redis.call('SET', KEYS[5], claim.eventId, 'EX', ARGV[4])
if meta[4] == '1' or meta[6] == '1' then
  redis.call('HSET', KEYS[8], claim.eventId, json)
end
-- (a nil item ends the list one element early)
return {code, number, json, 0, meta[4] == '1' and 1 or 0, claim.seq, item}
