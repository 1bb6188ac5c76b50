-- Credits a bucket with the units another bucket of its scope gave it (give-units.lua), once per transfer id however
-- often it is repeated: the giver right after giving, the sweeper for a transfer found unsettled after a crash.
-- The ids received stay until the scope is retired (at most one per transfer, and a transfer happens only when a
-- bucket ran out), so a repeat after the giver settled is refused as well.
-- KEYS[1] stock of the receiving bucket (a counter), KEYS[2] its set of received transfer ids
-- ARGV[1] transfer id, ARGV[2] units
-- Returns 1 credited now, 0 credited before
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[2])
return 1
