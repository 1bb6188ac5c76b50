-- Claims that Kafka acknowledged are durable: each is marked confirmed (it can no longer be reversed) and is no
-- longer the sweeper's concern. One call for what were two commands (SADD, ZREM) per claim, and one call for all the
-- claims of a scope acknowledged while the previous call was on its way (rush/lua/Acknowledgements).
-- KEYS[1] confirmed set, KEYS[2] unsent sorted set (the same scope's keys)
-- ARGV claim ids, at least one
-- Returns how many of them were newly marked confirmed.
local marked = 0
for _, claimId in ipairs(ARGV) do
  marked = marked + redis.call('SADD', KEYS[1], claimId)
  redis.call('ZREM', KEYS[2], claimId)
end
return marked
