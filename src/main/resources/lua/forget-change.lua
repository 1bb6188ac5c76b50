-- Kafka acknowledged a changed claim: drop it from the changes outbox, unless a newer change of the same
-- claim replaced it meanwhile (that one is still to be published).
-- KEYS[1] changes   hash claimId -> changed claim JSON
-- ARGV[1] claimId, ARGV[2] the JSON that was acknowledged
-- Returns 1 forgotten, 0 replaced or gone.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
