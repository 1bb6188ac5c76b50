-- Retires a scope (a campaign, a fair) from Redis once its life is over: every pool's activeUntil plus the
-- retention has passed, and nothing of the scope is still on its way to Kafka or Postgres (no pending claim, none
-- unsent, no unpublished change). All the scope's keys go in this one step, so a scope is either whole or gone, and
-- retiring twice (two instances at once) changes nothing the second time. A retired pool has no meta: claim.lua
-- answers UNKNOWN_POOL, which a feature whose window has closed answers as ENDED. Idempotency keys are not listed:
-- they expire on their own (fairrush.rush.idempotency-ttl is at most the retention).
-- KEYS[1] pending, KEYS[2] unsent, KEYS[3] changes, KEYS[4] holders, KEYS[5] confirmed, KEYS[6] reversed,
-- KEYS[7] claims, KEYS[8] sweeper lease, KEYS[9] offers (open waiting-list offers, see offer.lua), KEYS[10] transfers
-- and KEYS[11] received (a bucket's stock moves, see give-units.lua), then for each pool of the scope: meta, stock, waitlist
-- ARGV[1] now (epoch ms), ARGV[2] retention (ms)
-- Returns 1 retired now, 0 not yet (a pool still within its life plus the retention, or claims or changes of the
-- scope not stored yet, or units given to another bucket not settled yet), 2 no pool of the scope left in Redis (retired before; nothing is deleted then, so a rebuild
-- in progress is never cut short)
if redis.call('HLEN', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0 or redis.call('HLEN', KEYS[3]) > 0
    or redis.call('HLEN', KEYS[10]) > 0 then
  return 0
end
local now, retention = tonumber(ARGV[1]), tonumber(ARGV[2])
local pools = 0
for i = 12, #KEYS, 3 do
  local meta = redis.call('HMGET', KEYS[i], 'closesAt', 'activeUntil')
  if meta[1] then
    local untilMs = tonumber(meta[2] or meta[1])
    if now < untilMs + retention then return 0 end
    pools = pools + 1
  end
end
if pools == 0 then return 2 end
redis.call('DEL', unpack(KEYS))
return 1
