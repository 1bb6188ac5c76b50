-- Defines (or redefines) a pool: its window, limit and stock. Called when a campaign or fair is created.
-- KEYS[1] meta    hash of the pool: opensAt, closesAt (epoch ms), limit, waitlist ('1' or '0'), paused,
--                 activeUntil (epoch ms: until when its claims may change; retire.lua counts the retention from it)
-- KEYS[2] stock   the pool's stock: a counter, or (when ARGV[7..] holds items) a list of item names
-- ARGV[1] opensAt epoch ms, ARGV[2] closesAt epoch ms, ARGV[3] per-actor limit in the pool's scope,
-- ARGV[4] waitlist '1' or '0', ARGV[5] stock count, ARGV[6] activeUntil epoch ms, ARGV[7..] item names (item pools only)
-- Returns 1 when the pool was new, 0 when it already existed (then nothing is changed).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'opensAt', ARGV[1], 'closesAt', ARGV[2], 'limit', ARGV[3],
  'waitlist', ARGV[4], 'paused', '0', 'total', ARGV[5], 'items', (#ARGV > 6) and '1' or '0', 'activeUntil', ARGV[6])
if #ARGV > 6 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 7))
else
  redis.call('SET', KEYS[2], ARGV[5])
end
return 1
