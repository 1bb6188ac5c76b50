-- Takes or renews a lease: one owner at a time for a piece of background work (a scope's sweep, the
-- scheduled reconciliation), kept by renewing it before it expires and lost by an owner that stops.
-- KEYS[1] the lease key (holds the owner's id while the lease runs)
-- ARGV[1] owner id, ARGV[2] time to live in ms
-- Returns 1 when ARGV[1] holds the lease now (taken, or renewed because it held it already), 0 when another
-- owner holds it (then nothing changes).
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if owner then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
