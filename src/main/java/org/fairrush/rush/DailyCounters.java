package org.fairrush.rush;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.lua.LuaScripts;
import org.fairrush.rush.lua.PoolKeys;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * The per-day counters of pools with a {@link DailyQuota}, outside a claim: what a day has granted so far, and their
 * restoration from Postgres when a rebuild replaces a pool's Redis state (a lost Redis took them along).
 */
public final class DailyCounters {

    private static final RedisScript<Long> RESTORE = LuaScripts.number("restore-day");

    private final ReactiveStringRedisTemplate redis;
    private final String keyPrefix;

    DailyCounters(ReactiveStringRedisTemplate redis, String keyPrefix) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
    }

    /** Claims granted in the pool on {@code at}'s day in the quota's zone. */
    public Mono<Long> granted(PoolRef ref, DailyQuota quota, Instant at) {
        return redis.opsForValue().get(day(ref, quota, at).dayGranted()).map(Long::parseLong).defaultIfEmpty(0L);
    }

    /**
     * Replaces the counters of {@code at}'s day with what Postgres holds. Only while the pool takes no claims and all
     * of them are stored (inside a {@link ScopeRebuild}), or the counts would miss some.
     *
     * @param perActor claims granted to each actor on that day
     */
    public Mono<Void> restore(PoolRef ref, DailyQuota quota, Instant at, Map<String, Integer> perActor) {
        PoolKeys keys = day(ref, quota, at);
        List<String> args = new ArrayList<>(List.of(Long.toString(keys.day().expiresAt().getEpochSecond()),
                Integer.toString(perActor.values().stream().mapToInt(Integer::intValue).sum())));
        perActor.forEach((actor, count) -> {
            args.add(actor);
            args.add(Integer.toString(count));
        });
        return redis.execute(RESTORE, List.of(keys.dayGranted(), keys.dayHolders()), args).then();
    }

    private PoolKeys day(PoolRef ref, DailyQuota quota, Instant at) {
        return new PoolKeys(keyPrefix, ref).onDay(quota, at);
    }
}
