-- Rebuilds a pool from what Postgres holds, after Redis lost its data (DESIGN.md section 2, "Redis lost").
-- The pool stays paused; the operator resumes it once the numbers are checked.
-- KEYS[1] meta, KEYS[2] stock, KEYS[3] holders (of the whole scope), KEYS[4] pending, KEYS[5] confirmed, KEYS[6] unsent
-- ARGV[1] opensAt, ARGV[2] closesAt, ARGV[3] limit, ARGV[4] waitlist, ARGV[5] total stock,
-- ARGV[6] units left (counted pools), ARGV[7] number H of holder pairs, then H pairs actorId, count,
-- then the free item names (item pools only)
-- Returns the units left in the pool.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
local pairs = tonumber(ARGV[7])
local firstItem = 8 + 2 * pairs
local items = #ARGV >= firstItem
redis.call('HSET', KEYS[1], 'opensAt', ARGV[1], 'closesAt', ARGV[2], 'limit', ARGV[3], 'waitlist', ARGV[4],
  'paused', '1', 'total', ARGV[5], 'items', items and '1' or '0')
for i = 0, pairs - 1 do
  redis.call('HSET', KEYS[3], ARGV[8 + 2 * i], ARGV[9 + 2 * i])
end
if items then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, firstItem))
  return redis.call('LLEN', KEYS[2])
end
redis.call('SET', KEYS[2], ARGV[6])
return tonumber(ARGV[6])
