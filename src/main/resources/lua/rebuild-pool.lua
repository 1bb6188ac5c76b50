-- Rebuilds one pool from what Postgres holds, after rebuild-scope.lua rebuilt its scope. The pool stays
-- paused; the caller resumes it once the numbers are checked.
-- KEYS[1] meta, KEYS[2] stock, KEYS[3] waitlist
-- ARGV[1] opensAt, ARGV[2] closesAt, ARGV[3] limit, ARGV[4] waitlist '1'/'0', ARGV[5] total stock,
-- ARGV[6] items '1'/'0' (an item pool stays one when every item is held), ARGV[7] units left (counted pools),
-- ARGV[8] assigned '1'/'0' (a lottery's items were handed out, see assign-in-order.lua),
-- ARGV[9] activeUntil epoch ms (see define-pool.lua),
-- ARGV[10] number W of waiting claims, then W claimIds, next first, then the free items in the order handed out
-- Returns the units left in the pool.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'opensAt', ARGV[1], 'closesAt', ARGV[2], 'limit', ARGV[3], 'waitlist', ARGV[4],
  'paused', '1', 'total', ARGV[5], 'items', ARGV[6], 'activeUntil', ARGV[9])
if ARGV[8] == '1' then
  redis.call('HSET', KEYS[1], 'assigned', '1')
end
local waiting = tonumber(ARGV[10])
for i = 11, 10 + waiting do
  redis.call('RPUSH', KEYS[3], ARGV[i])
end
if ARGV[6] == '1' then
  for i = 11 + waiting, #ARGV do
    redis.call('RPUSH', KEYS[2], ARGV[i])
  end
  return redis.call('LLEN', KEYS[2])
end
redis.call('SET', KEYS[2], ARGV[7])
return tonumber(ARGV[7])
