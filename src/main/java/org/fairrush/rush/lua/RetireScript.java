package org.fairrush.rush.lua;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.fairrush.rush.PoolRef;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls retire.lua: removes a scope whose life is over from Redis, in one step. */
public final class RetireScript {

    private static final RedisScript<Long> SCRIPT = LuaScripts.number("retire");

    private final ReactiveStringRedisTemplate redis;

    public RetireScript(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    public enum Result {
        /** A pool's life plus the retention is not over, or claims or changes of the scope are not stored yet. */
        NOT_YET,
        /** The scope's keys are gone now. */
        RETIRED,
        /** No pool of the scope was in Redis (retired before); nothing was deleted. */
        GONE
    }

    /**
     * @param scope the scope's keys ({@link PoolRef#scopeRef})
     * @param pools the keys of each pool of the scope
     */
    public Mono<Result> run(PoolKeys scope, List<PoolKeys> pools, Instant now, Duration retention) {
        List<String> keys = new ArrayList<>(List.of(scope.pending(), scope.unsent(), scope.changes(), scope.holders(),
                scope.confirmed(), scope.reversed(), scope.claims(), scope.sweeperLease(), scope.offers(), scope.transfers(), scope.received()));
        pools.forEach(pool -> keys.addAll(List.of(pool.meta(), pool.stock(), pool.waitlist())));
        List<String> args = List.of(Long.toString(now.toEpochMilli()), Long.toString(retention.toMillis()));
        return redis.execute(SCRIPT, keys, args).next().map(code -> Result.values()[Math.toIntExact(code)]);
    }
}
