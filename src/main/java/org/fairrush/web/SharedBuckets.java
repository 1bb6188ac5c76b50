package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.fairrush.rush.lua.LuaScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Token buckets that many requests take from at once (the rush endpoints' per-address limit: a venue's Wi-Fi, a load
 * test, a proxy not yet trusted), each take one token. The takes of one bucket that arrive while a call for it is on
 * its way wait and go together in the next call (lua/take-tokens-each.lua), which passes as many of them as the bucket
 * holds, first come first served, and tells the rest when the next token comes: under a burst from one address a few
 * calls instead of one per request, and the limit exact. A take with nothing of its bucket on the way goes at once,
 * alone: one script call, where Bucket4j's batching (which this replaces, design note 58) needed a read and a
 * compare-and-swap on a Redis connection of its own. The calls go on the service's one shared Redis connection, the
 * one the grab's other scripts use. A bucket is kept in memory only while a call for it is on its way.
 */
final class SharedBuckets {

    private static final RedisScript<List<Object>> TAKE_EACH = LuaScripts.list("take-tokens-each");

    /** Most takes in one call; more waiting go in the calls after it. */
    static final int MOST_PER_CALL = 1_000;

    private final ReactiveStringRedisTemplate redis;
    private final Clock clock;
    private final ConcurrentMap<String, Bucket> onTheirWay = new ConcurrentHashMap<>();

    SharedBuckets(ReactiveStringRedisTemplate redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Emits zero when the bucket had a token for this request (now taken), else how long until it has one. */
    Mono<Duration> take(String bucket, WebProperties.Rate rate) {
        return Mono.defer(() -> {
            Sinks.One<Duration> answer = Sinks.one();
            // A bucket is dropped from the map when its last call answered with no take waiting; whoever found it
            // just before then asks the map again.
            while (!onTheirWay.computeIfAbsent(bucket, name -> new Bucket(name, rate)).add(answer)) {
                // dropped meanwhile: the next look finds a new one
            }
            return answer.asMono();
        });
    }

    /** The takes of one bucket waiting for the call on its way to answer. */
    private final class Bucket {

        private final String name;
        private final WebProperties.Rate rate;
        private List<Sinks.One<Duration>> waiting = new ArrayList<>();
        private boolean onItsWay;
        private boolean dropped;

        Bucket(String name, WebProperties.Rate rate) {
            this.name = name;
            this.rate = rate;
        }

        /** False when this bucket was dropped from the map: the caller must add to the one there now. */
        boolean add(Sinks.One<Duration> answer) {
            synchronized (this) {
                if (dropped) {
                    return false;
                }
                waiting.add(answer);
                if (onItsWay) {
                    return true;
                }
                onItsWay = true;
            }
            sendNext();
            return true;
        }

        /** Sends the takes that wait (at most {@link #MOST_PER_CALL}), or drops this bucket when none does. */
        private void sendNext() {
            List<Sinks.One<Duration>> takes;
            synchronized (this) {
                if (waiting.isEmpty()) {
                    onItsWay = false;
                    dropped = true;
                    onTheirWay.remove(name, this);
                    return;
                }
                if (waiting.size() <= MOST_PER_CALL) {
                    takes = waiting;
                    waiting = new ArrayList<>();
                } else {
                    takes = new ArrayList<>(waiting.subList(0, MOST_PER_CALL));
                    waiting = new ArrayList<>(waiting.subList(MOST_PER_CALL, waiting.size()));
                }
            }
            List<String> args = List.of(Long.toString(rate.capacity()), Long.toString(rate.period().toMillis()),
                    Long.toString(clock.millis()), Integer.toString(takes.size()));
            redis.execute(TAKE_EACH, List.of(name), args).next()
                    .switchIfEmpty(Mono.error(() -> new IllegalStateException("take-tokens-each.lua answered nothing")))
                    .subscribe(
                    reply -> {
                        sendNext();
                        long taken = (Long) reply.get(0);
                        Duration wait = Duration.ofMillis((Long) reply.get(1));
                        for (int i = 0; i < takes.size(); i++) {
                            takes.get(i).tryEmitValue(i < taken ? Duration.ZERO : wait);
                        }
                    },
                    failure -> {
                        sendNext();
                        takes.forEach(take -> take.tryEmitError(failure));
                    });
        }
    }
}
