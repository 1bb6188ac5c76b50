-- Takes one token for each of several requests that came together (the rush endpoints' address buckets: the requests
-- of one address that arrived while a take of the same bucket was on its way, web/SharedBuckets), as many as the
-- bucket holds, first come first served. The bucket is take-token.lua's: it refills greedily, capacity tokens per
-- period, never holds more than capacity, and expires once it would be full again.
-- KEYS[1] bucket   hash {tokens, at}: tokens left (a fraction while refilling) as of time `at` (epoch ms)
-- ARGV[1] capacity (tokens), ARGV[2] period (ms) in which a whole capacity refills, ARGV[3] now (epoch ms, the
--         caller's clock; a bucket last touched "later" by another instance's clock refills nothing),
-- ARGV[4] requests waiting, one token each
-- Returns {taken, wait}: the tokens taken (the first `taken` requests pass), and, when some requests got none, the
-- milliseconds until the bucket has its next token (at least 1), else 0. A call that takes nothing writes nothing.
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local wanted = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  tokens = math.min(capacity, tonumber(state[1]) + elapsed * capacity / period)
  now = math.max(now, tonumber(state[2]))
end
local taken = math.min(wanted, math.floor(tokens))
if taken > 0 then
  tokens = tokens - taken
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * period / capacity) + 1000)
end
local wait = 0
if taken < wanted then
  wait = math.max(1, math.ceil((1 - tokens) * period / capacity))
end
return {taken, wait}
