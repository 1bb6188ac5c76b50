-- Gives a lease back, only when the caller still holds it (an owner whose lease expired and was taken by
-- another must not delete the other's).
-- KEYS[1] the lease key; ARGV[1] owner id
-- Returns 1 when released, 0 when the caller did not hold it.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
