-- Gives stock units of one bucket of a scope to another bucket of it whose stock ran out (docs/design.md section 11,
-- note 33): half of what this bucket holds, rounded up, taken off its stock and written to its journal of transfers in
-- the same step. The units are never lost between the two buckets' slots: the transfer stays in the journal until the
-- receiver credited it (receive-units.lua, once per transfer id) and the giver settled it (HDEL); whoever finds it
-- there later (the sweeper, after a crash between the steps) credits and settles it again, which changes nothing twice.
-- KEYS[1] meta of the giving bucket, KEYS[2] its stock (a counter), KEYS[3] its transfers journal
-- ARGV[1] transfer id, ARGV[2] the receiving bucket's number, ARGV[3] now (epoch ms)
-- Returns {units given, transfers in this bucket's journal after this call (units on their way to another bucket),
--          1 when this bucket holds units it did not give (it is paused), else 0}:
--   a paused or unknown bucket gives nothing (a rebuild pauses the buckets and counts what each holds)
local journal = redis.call('HLEN', KEYS[3])
local meta = redis.call('HMGET', KEYS[1], 'opensAt', 'paused')
if not meta[1] then return {0, journal, 0} end
local stock = tonumber(redis.call('GET', KEYS[2]) or '0')
if meta[2] == '1' then return {0, journal, stock > 0 and 1 or 0} end
if stock <= 0 then return {0, journal, 0} end
local units = math.ceil(stock / 2)
redis.call('DECRBY', KEYS[2], units)
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. ':' .. units .. ':' .. ARGV[3])
return {units, journal + 1, 0}
