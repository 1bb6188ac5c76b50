-- Takes tokens from a token bucket (a rate limit of a caller or an address), atomically: the bucket refills
-- greedily, capacity tokens per period, and never holds more than capacity. One call, one key: what Bucket4j's
-- compare-and-swap does in a read and a conditional write, which concurrent takes of one bucket make fail and
-- retry against each other.
-- KEYS[1] bucket   hash {tokens, at}: tokens left (a fraction while refilling) as of time `at` (epoch ms)
-- ARGV[1] capacity (tokens), ARGV[2] period (ms) in which a whole capacity refills, ARGV[3] now (epoch ms,
--         the caller's clock; a bucket last touched "later" by another instance's clock refills nothing),
--         ARGV[4] tokens to take (a route's cost; at most capacity; 1 when absent)
-- Returns 0 when the tokens were taken, else the milliseconds until they will be there (at least 1); a refused
-- take takes nothing.
-- The bucket expires once it would be full again, so idle callers cost no memory.
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local wanted = tonumber(ARGV[4] or '1')
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  tokens = math.min(capacity, tonumber(state[1]) + elapsed * capacity / period)
  now = math.max(now, tonumber(state[2]))
end
if tokens < wanted then
  return math.max(1, math.ceil((wanted - tokens) * period / capacity))
end
tokens = tokens - wanted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * period / capacity) + 1000)
return 0
