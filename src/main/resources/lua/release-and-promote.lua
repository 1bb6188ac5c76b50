-- Releases a claim and, when it held a unit, hands that unit at once to the first waiting claim of the
-- same pool; with nobody waiting the unit goes back to the stock. All in one step, so a released unit is
-- never held twice nor left free while someone waits. Each changed claim is written, as its whole JSON
-- with status and revision updated, to the claims hash and to the changes outbox, from which the engine
-- publishes it (and forgets it once Kafka acknowledged it, forget-change.lua).
-- KEYS[1] stock     counter, or list of item names for item pools
-- KEYS[2] holders   hash actorId -> claims the actor holds in this scope
-- KEYS[3] waitlist  list of claimIds waiting for this pool
-- KEYS[4] claims    hash claimId -> current claim JSON (see claim.lua)
-- KEYS[5] changes   hash claimId -> changed claim JSON not yet acknowledged by Kafka
-- ARGV[1] claimId, ARGV[2] pool name the caller believes the claim is in
-- Returns {code, released JSON, promoted JSON or '', unit returned to stock 1/0}:
--   0 UNKNOWN    no such claim in this scope (never made, reversed, or in a pool without items or waitlist)
--   1 RELEASED   released now
--   2 ALREADY    released before (the released JSON is returned again)
--   3 WRONG_POOL the claim belongs to another pool of the scope
local json = redis.call('HGET', KEYS[4], ARGV[1])
if not json then return {0, '', '', 0} end
local claim = cjson.decode(json)
if claim.status == 'RELEASED' then return {2, json, '', 0} end
if claim.pool ~= ARGV[2] then return {3, '', '', 0} end

local wasWaiting = claim.status == 'WAITING'
local item = claim.item
if type(item) ~= 'string' then item = nil end
claim.status = 'RELEASED'
claim.revision = (claim.revision or 0) + 1
local released = cjson.encode(claim)
redis.call('HSET', KEYS[4], ARGV[1], released)
redis.call('HSET', KEYS[5], ARGV[1], released)
if redis.call('HINCRBY', KEYS[2], claim.actorId, -1) <= 0 then
  redis.call('HDEL', KEYS[2], claim.actorId)
end
if wasWaiting then
  redis.call('LREM', KEYS[3], 1, ARGV[1])
  return {1, released, '', 0}
end

local nextId = redis.call('LPOP', KEYS[3])
if nextId then
  local next = cjson.decode(redis.call('HGET', KEYS[4], nextId))
  if item then next.item = item end
  next.status = 'HELD'
  next.revision = (next.revision or 0) + 1
  local promoted = cjson.encode(next)
  redis.call('HSET', KEYS[4], nextId, promoted)
  redis.call('HSET', KEYS[5], nextId, promoted)
  return {1, released, promoted, 0}
end
if item then
  redis.call('LPUSH', KEYS[1], item)
else
  redis.call('INCR', KEYS[1])
end
return {1, released, '', 1}
