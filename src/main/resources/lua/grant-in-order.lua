-- Grants a counted pool's units to the claims waiting in another pool of the same scope, in an order the caller
-- decided (a randomized opening's draw): while units are left, the next claim of the order takes one, becomes HELD
-- and moves to the target pool; the claims after that are RELEASED (the actor's count goes back down). Each changed
-- claim is written as its next revision to the claims hash and the changes outbox, in the same step. The target pool
-- then opens at ARGV[n+2] (it was defined closed until the draw). Runs once: a second call changes nothing.
-- KEYS[1] entries meta, KEYS[2] entries waitlist, KEYS[3] target meta, KEYS[4] target stock (counter),
-- KEYS[5] holders, KEYS[6] claims, KEYS[7] changes (see release-and-promote.lua)
-- ARGV[1] n, ARGV[2 .. n+1] the claimIds in the decided order, ARGV[n+2] the target's new opensAt (epoch ms),
-- ARGV[n+3] the target pool's name ('' for a scope's single pool)
-- Returns {code, granted, remaining}:
--   0 MISMATCH the given claimIds are not exactly the entries pool's waiting claims (nothing changed)
--   1 GRANTED  granted = claims that got a unit, remaining = units left in the target pool
--   2 ALREADY  the draw was applied before
if redis.call('HGET', KEYS[3], 'drawn') == '1' then
  return {2, 0, tonumber(redis.call('GET', KEYS[4]) or '0')}
end
local n = tonumber(ARGV[1])
local waiting = redis.call('LRANGE', KEYS[2], 0, -1)
if #waiting ~= n then return {0, 0, 0} end
local isWaiting = {}
for _, id in ipairs(waiting) do isWaiting[id] = true end
for i = 2, n + 1 do
  if not isWaiting[ARGV[i]] then return {0, 0, 0} end
  isWaiting[ARGV[i]] = nil
end

local left = tonumber(redis.call('GET', KEYS[4]) or '0')
local granted = 0
for i = 2, n + 1 do
  local id = ARGV[i]
  local claim = cjson.decode(redis.call('HGET', KEYS[6], id))
  if left > 0 then
    left = left - 1
    granted = granted + 1
    claim.status = 'HELD'
    claim.pool = ARGV[n + 3]
  else
    claim.status = 'RELEASED'
    if redis.call('HINCRBY', KEYS[5], claim.actorId, -1) <= 0 then
      redis.call('HDEL', KEYS[5], claim.actorId)
    end
  end
  claim.revision = (claim.revision or 0) + 1
  local json = cjson.encode(claim)
  redis.call('HSET', KEYS[6], id, json)
  redis.call('HSET', KEYS[7], id, json)
end
redis.call('SET', KEYS[4], tostring(left))
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'drawn', '1')
redis.call('HSET', KEYS[3], 'drawn', '1', 'opensAt', ARGV[n + 2])
return {1, granted, left}
