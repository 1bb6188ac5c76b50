package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.fairrush.rush.lua.LuaScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * One caller's token bucket in Redis, taken from by one script call (lua/take-token.lua): the per-caller limit of
 * the rush endpoints, which every grab passes. Bucket4j's compare-and-swap needs a read and a conditional write on
 * a connection of its own for the same thing; a bucket many requests share at once (a venue's address) stays with
 * Bucket4j, whose batching folds them into one write.
 */
final class CallerBuckets {

    private static final RedisScript<Long> TAKE_TOKEN = LuaScripts.number("take-token");

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;

    CallerBuckets(ReactiveStringRedisTemplate redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Emits zero when the bucket had a token (now taken), else how long until it has one. */
    Mono<Duration> take(String bucket, WebProperties.Rate rate) {
        return redis.execute(TAKE_TOKEN, List.of(bucket), List.of(Long.toString(rate.capacity()),
                        Long.toString(rate.period().toMillis()), Long.toString(clock.millis())))
                .next()
                .map(Duration::ofMillis);
    }
}
