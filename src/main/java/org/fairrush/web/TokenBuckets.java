package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.fairrush.rush.lua.LuaScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Token buckets in Redis, each take one script call (lua/take-token.lua): the per-caller limit of the rush
 * endpoints, which every grab passes, and both limits of every other route (per caller and per address, a take
 * costing what the route is worth). Bucket4j's compare-and-swap, used before, needed a read and a conditional write
 * for the same thing, and concurrent takes of one bucket failed their swap and retried against each other (300 page
 * reads from one address at once: 43,920 Redis commands, {@code RouteLimitsContentionTest}). The rush endpoints'
 * address bucket, which a whole venue shares, folds the takes that arrive together ({@link SharedBuckets}).
 */
final class TokenBuckets {

    private static final RedisScript<Long> TAKE_TOKEN = LuaScripts.number("take-token");

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;

    TokenBuckets(ReactiveStringRedisTemplate redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Emits zero when the bucket had a token (now taken), else how long until it has one. */
    Mono<Duration> take(String bucket, WebProperties.Rate rate) {
        return take(bucket, rate, 1);
    }

    /** Emits zero when the bucket had {@code tokens} (now taken; at most its capacity), else how long until it has. */
    Mono<Duration> take(String bucket, WebProperties.Rate rate, long tokens) {
        return redis.execute(TAKE_TOKEN, List.of(bucket), List.of(Long.toString(rate.capacity()),
                        Long.toString(rate.period().toMillis()), Long.toString(clock.millis()), Long.toString(tokens)))
                .next()
                .map(Duration::ofMillis);
    }
}
