-- Reverses a claim whose event could not be handed to Kafka: the unit goes back, the actor's count
-- goes down, the idempotency key is forgotten, and the claim id is remembered as reversed so that a
-- late copy of the event is never stored. A claim the persister has already taken over is durable
-- and is not reversed.
-- KEYS[1] stock, KEYS[2] holders, KEYS[3] pending, KEYS[4] idem, KEYS[5] waitlist, KEYS[6] confirmed,
-- KEYS[7] reversed (sorted set claimId -> reversal time), KEYS[8] claims (hash claimId -> current claim JSON),
-- KEYS[9] unsent (sorted set of claims not yet known to be in Kafka)
-- KEYS[10] day, KEYS[11] dayholders: the counters of the day the claim counted on (pools with a daily quota
-- only, see claim.lua); a reversed claim gives its day's unit back too
-- ARGV[1] claimId, ARGV[2] actorId, ARGV[3] item ('' for counted pools), ARGV[4] status (HELD or WAITING),
-- ARGV[5] now (epoch ms)
-- Returns 1 reversed, 0 unknown (not pending: already stored or already reversed), 2 durable.
-- A claim changed since it was made (promoted from the waiting list, released) is durable too: the
-- change was published as a later revision of the whole claim and stands.
if redis.call('SISMEMBER', KEYS[6], ARGV[1]) == 1 then return 2 end
local current = redis.call('HGET', KEYS[8], ARGV[1])
if current and (cjson.decode(current).revision or 0) > 0 then return 2 end
if redis.call('HDEL', KEYS[3], ARGV[1]) == 0 then return 0 end
if ARGV[4] == 'WAITING' then
  redis.call('LREM', KEYS[5], 1, ARGV[1])
elseif ARGV[3] ~= '' then
  redis.call('LPUSH', KEYS[1], ARGV[3])
else
  redis.call('INCR', KEYS[1])
end
if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
-- Only counters that still exist: an expired day must not come back as a key without expiry.
if #KEYS >= 11 and ARGV[4] ~= 'WAITING' then
  if tonumber(redis.call('GET', KEYS[10]) or '0') > 0 then redis.call('DECR', KEYS[10]) end
  if tonumber(redis.call('HGET', KEYS[11], ARGV[2]) or '0') > 1 then
    redis.call('HINCRBY', KEYS[11], ARGV[2], -1)
  else
    redis.call('HDEL', KEYS[11], ARGV[2])
  end
end
redis.call('DEL', KEYS[4])
redis.call('HDEL', KEYS[8], ARGV[1])
redis.call('ZREM', KEYS[9], ARGV[1])
redis.call('ZADD', KEYS[7], ARGV[5], ARGV[1])
-- A late copy of an event arrives within seconds; a day of reversals is plenty to remember.
redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', '(' .. (tonumber(ARGV[5]) - 86400000))
return 1
