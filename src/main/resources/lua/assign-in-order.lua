-- Hands items to the waiting claims of a pool in an order the caller decided (a lottery draw): the first
-- claims of the order get the items in turn and become HELD, the rest stay waiting in that order, and
-- items left over form the pool's stock; the pool's total becomes the number of items. Runs once per pool:
-- a second call changes nothing.
-- KEYS[1] meta, KEYS[2] stock, KEYS[3] waitlist, KEYS[4] claims, KEYS[5] changes (see release-and-promote.lua)
-- ARGV[1] n, ARGV[2 .. n+1] the claimIds in the decided order, ARGV[n+2 ..] the items in the order handed out
-- Returns {code, held}:
--   0 MISMATCH the given claimIds are not exactly the pool's waiting claims (nothing changed)
--   1 ASSIGNED held = claims that got an item
--   2 ALREADY  the pool was assigned before
if redis.call('HGET', KEYS[1], 'assigned') == '1' then return {2, 0} end
local n = tonumber(ARGV[1])
local waiting = redis.call('LRANGE', KEYS[3], 0, -1)
if #waiting ~= n then return {0, 0} end
local isWaiting = {}
for _, id in ipairs(waiting) do isWaiting[id] = true end
for i = 2, n + 1 do
  if not isWaiting[ARGV[i]] then return {0, 0} end
  isWaiting[ARGV[i]] = nil
end

redis.call('DEL', KEYS[3], KEYS[2])
local items = #ARGV - n - 1
local held = 0
for i = 1, n do
  local id = ARGV[i + 1]
  if i <= items then
    local claim = cjson.decode(redis.call('HGET', KEYS[4], id))
    claim.item = ARGV[n + 1 + i]
    claim.status = 'HELD'
    claim.revision = (claim.revision or 0) + 1
    local json = cjson.encode(claim)
    redis.call('HSET', KEYS[4], id, json)
    redis.call('HSET', KEYS[5], id, json)
    held = held + 1
  else
    redis.call('RPUSH', KEYS[3], id)
  end
end
for i = n + 1, items do
  redis.call('RPUSH', KEYS[2], ARGV[n + 1 + i])
end
if items > 0 then
  redis.call('HSET', KEYS[1], 'items', '1', 'assigned', '1', 'total', tostring(items))
else
  redis.call('SET', KEYS[2], '0')
  redis.call('HSET', KEYS[1], 'assigned', '1')
end
return {1, held}
