-- The transitions of a pool whose freed units are offered for a while instead of handed over (waiting-list
-- offers, docs/design.md sections 7.1 and 11): one step per transition, so an offer is never given twice, never
-- lost and never both accepted and expired. A freed unit goes to the first waiting claim as OFFERED, with the
-- attribute offerExpiresAt (epoch ms); accepting makes it HELD; declining or expiry releases it (attribute
-- offerOutcome DECLINED or EXPIRED) and offers its unit to the next in line; with nobody waiting the unit goes
-- back to the head of the stock. Each changed claim goes, as its whole JSON with a higher revision, to the claims
-- hash and the changes outbox (as in release-and-promote.lua); open offers are indexed by expiry for the expiry pass.
-- KEYS[1] meta      hash of the pool (paused = '1' holds expiries back, e.g. during a rebuild)
-- KEYS[2] stock     counter, or list of item names for item pools
-- KEYS[3] holders   hash actorId -> claims the actor holds in this scope
-- KEYS[4] waitlist  list of claimIds waiting for this pool
-- KEYS[5] claims    hash claimId -> current claim JSON
-- KEYS[6] changes   hash claimId -> changed claim JSON not yet acknowledged by Kafka
-- KEYS[7] offers    sorted set claimId -> offerExpiresAt (epoch ms) of the scope's open offers
-- ARGV[1] action: RELEASE (cancel any claim), ACCEPT, DECLINE or EXPIRE (an open offer)
-- ARGV[2] claimId, ARGV[3] pool name the caller believes the claim is in, ARGV[4] now (epoch ms, the server's
-- clock), ARGV[5] how long a new offer holds (ms)
-- Returns {code, changed JSON or '', offered JSON or '', unit returned to stock 1/0}:
--   0 UNKNOWN     no such claim in this scope
--   1 DONE        the transition happened now
--   2 ALREADY     it happened before (RELEASE of a released claim, ACCEPT of a held one, DECLINE of a declined
--                 one); the changed JSON is the claim as it is
--   3 WRONG_POOL  the claim belongs to another pool of the scope
--   4 NOT_OFFERED ACCEPT, DECLINE or EXPIRE of a claim that is no open offer (the claim as it is is returned)
--   5 EXPIRED     ACCEPT or DECLINE after the offer's time: it expired in this step instead (and was passed on)
--   6 NOT_DUE     EXPIRE before the offer's time
--   7 PAUSED      EXPIRE while the pool is paused
local action, claimId, now, hold = ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
local json = redis.call('HGET', KEYS[5], claimId)
if not json then return {0, '', '', 0} end
local claim = cjson.decode(json)
if claim.pool ~= ARGV[3] then return {3, '', '', 0} end

local function save(changed)
  changed.revision = (changed.revision or 0) + 1
  local text = cjson.encode(changed)
  redis.call('HSET', KEYS[5], changed.eventId, text)
  redis.call('HSET', KEYS[6], changed.eventId, text)
  return text
end

-- The unit a released claim held goes to the first waiting claim as an offer, or back to the stock.
local function passOn(item)
  local nextId = redis.call('LPOP', KEYS[4])
  if not nextId then
    if item then redis.call('LPUSH', KEYS[2], item) else redis.call('INCR', KEYS[2]) end
    return '', 1
  end
  local next = cjson.decode(redis.call('HGET', KEYS[5], nextId))
  if item then next.item = item end
  next.status = 'OFFERED'
  next.attributes.offerExpiresAt = tostring(now + hold)
  redis.call('ZADD', KEYS[7], now + hold, nextId)
  return save(next), 0
end

local function release(outcome)
  local wasWaiting = claim.status == 'WAITING'
  local item = claim.item
  if type(item) ~= 'string' then item = nil end
  claim.status = 'RELEASED'
  if outcome then claim.attributes.offerOutcome = outcome end
  redis.call('ZREM', KEYS[7], claimId)
  local released = save(claim)
  if redis.call('HINCRBY', KEYS[3], claim.actorId, -1) <= 0 then
    redis.call('HDEL', KEYS[3], claim.actorId)
  end
  if wasWaiting then
    redis.call('LREM', KEYS[4], 1, claimId)
    return {1, released, '', 0}
  end
  local offered, restocked = passOn(item)
  return {1, released, offered, restocked}
end

if action == 'RELEASE' then
  if claim.status == 'RELEASED' then return {2, json, '', 0} end
  return release(nil)
end

if claim.status ~= 'OFFERED' then
  if (action == 'ACCEPT' and claim.status == 'HELD') or (action == 'DECLINE' and claim.attributes.offerOutcome == 'DECLINED') then
    return {2, json, '', 0}
  end
  return {4, json, '', 0}
end
local due = now >= tonumber(claim.attributes.offerExpiresAt)
if action == 'EXPIRE' then
  if not due then return {6, json, '', 0} end
  if redis.call('HGET', KEYS[1], 'paused') == '1' then return {7, json, '', 0} end
end
if due then
  local answer = release('EXPIRED')
  if action ~= 'EXPIRE' then answer[1] = 5 end
  return answer
end
if action == 'DECLINE' then return release('DECLINED') end

claim.status = 'HELD'
claim.attributes.offerExpiresAt = nil
redis.call('ZREM', KEYS[7], claimId)
return {1, save(claim), '', 0}
