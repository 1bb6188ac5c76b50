-- The persister takes over a batch of claims before it stores them: each claim that was not reversed
-- is marked confirmed (from then on it cannot be reversed); a reversed one must not be stored.
-- KEYS[1] confirmed set, KEYS[2] reversed sorted set, KEYS[3] unsent sorted set (a claim read from Kafka is sent)
-- ARGV claim ids
-- Returns one flag per claim id, in order: 1 store it, 0 it was reversed, skip it.
local flags = {}
for i, claimId in ipairs(ARGV) do
  if redis.call('ZSCORE', KEYS[2], claimId) then
    flags[i] = 0
  else
    redis.call('SADD', KEYS[1], claimId)
    redis.call('ZREM', KEYS[3], claimId)
    flags[i] = 1
  end
end
return flags
