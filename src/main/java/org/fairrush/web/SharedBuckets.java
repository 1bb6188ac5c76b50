package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.fairrush.rush.lua.FoldedCalls;
import org.fairrush.rush.lua.LuaScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Token buckets that many requests take from at once (the rush endpoints' per-address limit: a venue's Wi-Fi, a load
 * test, a proxy not yet trusted). The takes of one bucket that arrive while a call for it is on its way wait and go
 * together in the next call ({@link FoldedCalls}, lua/take-tokens-each.lua), which passes them in their order for as
 * long as the bucket has their tokens and tells the rest when the first of them would fit: under a burst from one
 * address a few calls instead of one per request, and the limit exact. A take with nothing of its bucket on the way
 * goes at once, alone: one script call, where Bucket4j's batching (which this replaces, design note 58) needed a read
 * and a compare-and-swap on a Redis connection of its own. The calls go on the service's one shared Redis connection,
 * the one the grab's other scripts use.
 */
final class SharedBuckets {

    private static final RedisScript<List<Object>> TAKE_EACH = LuaScripts.list("take-tokens-each");

    private record Bucket(String name, WebProperties.Rate rate) {
    }

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final FoldedCalls<Bucket, Long, Duration> takes = new FoldedCalls<>(this::takeEach);

    SharedBuckets(ReactiveStringRedisTemplate redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Emits zero when the bucket had a token for this request (now taken), else how long until it has one. */
    Mono<Duration> take(String bucket, WebProperties.Rate rate) {
        return takes.add(new Bucket(bucket, rate), 1L);
    }

    /** One call for the takes of {@code bucket} that came together, each wanting its {@code tokens}. */
    private Mono<List<Duration>> takeEach(Bucket bucket, List<Long> tokens) {
        List<String> args = new ArrayList<>(3 + tokens.size());
        args.add(Long.toString(bucket.rate().capacity()));
        args.add(Long.toString(bucket.rate().period().toMillis()));
        args.add(Long.toString(clock.millis()));
        tokens.forEach(wanted -> args.add(Long.toString(wanted)));
        return redis.execute(TAKE_EACH, List.of(bucket.name()), args).next().map(reply -> {
            int passed = Math.toIntExact((Long) reply.get(0));
            List<Duration> answers = new ArrayList<>(tokens.size());
            answers.addAll(Collections.nCopies(passed, Duration.ZERO));
            answers.addAll(Collections.nCopies(tokens.size() - passed, Duration.ofMillis((Long) reply.get(1))));
            return answers;
        });
    }
}
