-- Restores one day's counters of a pool with a daily quota (see claim.lua) from what Postgres holds, when a rebuild
-- replaces the pool's Redis state (the pool is paused and its claims are all stored, so the counts are exact).
-- KEYS[1] day (claims granted on the day), KEYS[2] dayholders (hash actorId -> claims granted to the actor that day)
-- ARGV[1] when the counters expire (epoch seconds), ARGV[2] claims granted that day, then pairs actorId, count
-- Returns the claims granted that day.
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[1], ARGV[2])
redis.call('EXPIREAT', KEYS[1], ARGV[1])
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
if #ARGV > 2 then
  redis.call('EXPIREAT', KEYS[2], ARGV[1])
end
return tonumber(ARGV[2])
