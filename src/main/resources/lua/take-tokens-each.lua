-- Takes tokens for several requests that came together (the rush endpoints' address buckets: the requests of one
-- address that arrived while a take of the same bucket was on its way, web/SharedBuckets), in their order, each
-- its own count, for as long as the bucket has them: the first request that does not fit, and every one after it,
-- gets none. The bucket is take-token.lua's: it refills greedily, capacity tokens per period, never holds more than
-- capacity, and expires once it would be full again.
-- KEYS[1] bucket   hash {tokens, at}: tokens left (a fraction while refilling) as of time `at` (epoch ms)
-- ARGV[1] capacity (tokens), ARGV[2] period (ms) in which a whole capacity refills, ARGV[3] now (epoch ms, the
--         caller's clock; a bucket last touched "later" by another instance's clock refills nothing),
-- ARGV[4..] the tokens each request wants (at most capacity each), in the requests' order
-- Returns {passed, wait}: how many requests, from the first, got their tokens (now taken), and, when some did not,
-- the milliseconds until the first of those would fit (at least 1), else 0. A call that takes nothing writes nothing.
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  tokens = math.min(capacity, tonumber(state[1]) + elapsed * capacity / period)
  now = math.max(now, tonumber(state[2]))
end
local passed = 0
local taken = 0
for i = 4, #ARGV do
  local wanted = tonumber(ARGV[i])
  if taken + wanted > tokens then
    break
  end
  taken = taken + wanted
  passed = passed + 1
end
if taken > 0 then
  tokens = tokens - taken
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * period / capacity) + 1000)
end
local wait = 0
if passed < #ARGV - 3 then
  wait = math.max(1, math.ceil((tonumber(ARGV[4 + passed]) - tokens) * period / capacity))
end
return {passed, wait}
