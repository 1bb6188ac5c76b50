-- After the persister committed a batch to Postgres: the claims are no longer pending or confirmed, and a released
-- claim whose release is now stored leaves the claims hash (Postgres answers for it from then on, see
-- Registrations and Cancelling), so that hash holds the claims that can still change, not every claim ever released.
-- KEYS[1] pending hash, KEYS[2] confirmed set, KEYS[3] unsent sorted set, KEYS[4] claims hash
-- ARGV[1] n, ARGV[2 .. n+1] claim ids, ARGV[n+2 .. 2n+1] the stored revision of each, in the same order
-- Returns the number of pending records cleared.
local n = tonumber(ARGV[1])
local cleared = redis.call('HDEL', KEYS[1], unpack(ARGV, 2, n + 1))
redis.call('SREM', KEYS[2], unpack(ARGV, 2, n + 1))
redis.call('ZREM', KEYS[3], unpack(ARGV, 2, n + 1))
for i = 2, n + 1 do
  local current = redis.call('HGET', KEYS[4], ARGV[i])
  if current then
    local claim = cjson.decode(current)
    if claim.status == 'RELEASED' and tostring(claim.revision or 0) == ARGV[i + n] then
      redis.call('HDEL', KEYS[4], ARGV[i])
    end
  end
end
return cleared
