-- After the persister committed a batch to Postgres: the claims are no longer pending or confirmed.
-- KEYS[1] pending hash, KEYS[2] confirmed set, KEYS[3] unsent sorted set
-- ARGV claim ids
-- Returns the number of pending records cleared.
local cleared = redis.call('HDEL', KEYS[1], unpack(ARGV))
redis.call('SREM', KEYS[2], unpack(ARGV))
redis.call('ZREM', KEYS[3], unpack(ARGV))
return cleared
