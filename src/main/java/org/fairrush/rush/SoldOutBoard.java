package org.fairrush.rush;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Which pools are sold out, known in this instance's memory so that a grab on an empty pool is refused
 * without running the claim script. An instance learns it from the claim script's answer and tells the
 * others over Redis pub/sub; a unit that comes back (a reversed claim) clears the mark everywhere.
 * A missed message only costs a script call: the script itself remains the authority.
 * The same channel tells every instance that a scope was retired from Redis ({@link PoolRetirement}): its marks
 * are dropped and the features hear of it ({@link #retired()}) to drop what they keep of it in memory.
 */
final class SoldOutBoard {

    private static final Logger log = LoggerFactory.getLogger(SoldOutBoard.class);

    private final Set<String> soldOut = ConcurrentHashMap.newKeySet();
    private final ReactiveStringRedisTemplate redis;
    private final String channel;
    private final Sinks.Many<PoolRef> retired = Sinks.many().multicast().directBestEffort();
    private Disposable subscription;

    SoldOutBoard(ReactiveStringRedisTemplate redis, String keyPrefix) {
        this.redis = redis;
        this.channel = keyPrefix + ":soldout";
    }

    void start() {
        subscription = redis.listenTo(ChannelTopic.of(channel))
                .doOnNext(message -> apply(message.getMessage()))
                .then()
                .retryWhen(Retry.backoff(Long.MAX_VALUE, java.time.Duration.ofMillis(200)).maxBackoff(java.time.Duration.ofSeconds(5))
                        .doBeforeRetry(signal -> log.warn("sold-out channel lost, resubscribing: {}", signal.failure().toString())))
                .subscribe(message -> { }, failure -> log.debug("sold-out channel closed: {}", failure.toString()));
    }

    void stop() {
        if (subscription != null) {
            subscription.dispose();
        }
    }

    boolean isSoldOut(PoolRef ref) {
        return soldOut.contains(name(ref));
    }

    Mono<Void> markSoldOut(PoolRef ref) {
        return soldOut.add(name(ref)) ? redis.convertAndSend(channel, "+" + name(ref)).then() : Mono.empty();
    }

    Mono<Void> markRestocked(PoolRef ref) {
        soldOut.remove(name(ref));
        return redis.convertAndSend(channel, "-" + name(ref)).then();
    }

    /** Tells every instance (this one included, through the channel) that the scope left Redis. */
    Mono<Void> markRetired(PoolRef scope) {
        forget(scope.scopeTag());
        return redis.convertAndSend(channel, "x" + PoolRefs.format(PoolRef.single(scope.kind(), scope.scope()))).then();
    }

    /** Scopes retired from Redis, as this instance hears of them (may repeat; best effort, like the marks). */
    Flux<PoolRef> retired() {
        return retired.asFlux();
    }

    private void apply(String message) {
        String pool = message.substring(1);
        switch (message.charAt(0)) {
            case '+' -> soldOut.add(pool);
            case 'x' -> {
                PoolRef scope = PoolRefs.parse(pool);
                forget(scope.scopeTag());
                retired.tryEmitNext(scope);
            }
            default -> soldOut.remove(pool);
        }
    }

    private void forget(String scopeTag) {
        soldOut.removeIf(name -> name.startsWith(scopeTag + "/"));
    }

    /** Marks held in memory (bounded by the live pools once retired scopes are forgotten). */
    int size() {
        return soldOut.size();
    }

    private static String name(PoolRef ref) {
        return ref.scopeTag() + "/" + ref.pool();
    }
}
