-- Rebuilds what a scope's pools share from what Postgres holds, after Redis lost its data (docs/design.md
-- section 2, "Redis lost"): the holders and, for pools with items or a waiting list, each claim's current
-- JSON (what release-and-promote.lua reads). Nothing is pending, unsent or unpublished at that point (the
-- caller waited for that), so those keys start empty. Each pool of the scope follows with rebuild-pool.lua.
-- KEYS[1] holders, KEYS[2] pending, KEYS[3] confirmed, KEYS[4] unsent, KEYS[5] claims, KEYS[6] changes,
-- KEYS[7] offers (the index of open waiting-list offers by expiry, see offer.lua: rebuilt from the OFFERED claims)
-- KEYS[8] transfers: a bucket's journal of units given to another bucket (give-units.lua); the units left are counted
--         from Postgres, moves included, and the caller cancelled every move first (its receiver will not credit it)
-- ARGV[1] number H of holder pairs, then H pairs actorId, count, then pairs claimId, claim JSON
-- Returns the number of claims written.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8])
local holders = tonumber(ARGV[1])
for i = 0, holders - 1 do
  redis.call('HSET', KEYS[1], ARGV[2 + 2 * i], ARGV[3 + 2 * i])
end
local claims = 0
for i = 2 + 2 * holders, #ARGV, 2 do
  redis.call('HSET', KEYS[5], ARGV[i], ARGV[i + 1])
  local claim = cjson.decode(ARGV[i + 1])
  if claim.status == 'OFFERED' then
    redis.call('ZADD', KEYS[7], tonumber(claim.attributes.offerExpiresAt), ARGV[i])
  end
  claims = claims + 1
end
return claims
