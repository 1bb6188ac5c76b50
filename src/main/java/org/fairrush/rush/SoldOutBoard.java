package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.fairrush.rush.recovery.PoolRetirement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Which pools are sold out, known in this instance's memory so that a grab on an empty pool is refused
 * without running the claim script. An instance learns it from the claim script's answer and tells the
 * others over Redis pub/sub; a unit that comes back (a reversed claim) clears the mark everywhere.
 * The script itself remains the authority: a missed "sold out" only costs this instance a script call; a missed
 * "restocked" is bounded by the recheck below.
 * The same channel tells every instance that a scope was retired from Redis ({@link PoolRetirement}): its marks
 * are dropped and the features hear of it ({@link #retired()}) to drop what they keep of it in memory.
 *
 * <p>Pub/sub loses messages (a subscriber reconnecting, a node failing over), and a lost "restocked" would
 * leave an instance refusing grabs on a pool with units again. So a mark is trusted for {@code recheck} only
 * (fairrush.rush.sold-out-recheck, default 1 s): after that the next grab asks the script again, which renews
 * the mark while the pool stays empty. However messages are lost, an instance refuses a pool with units for at
 * most {@code recheck}; a resubscription forgets every mark at once.
 *
 * <p>A lifecycle of its own ({@link #getPhase()}): subscribed after the Redis connection factory starts, and let
 * go of before it closes, so a stopping service returns the channel's connection to a factory that still takes it.
 */
public final class SoldOutBoard implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SoldOutBoard.class);

    /** Pool name -> until when (epoch ms of {@link #clock}) its sold-out mark is trusted. */
    private final Map<String, Long> soldOut = new ConcurrentHashMap<>();
    private final ReactiveStringRedisTemplate redis;
    private final String channel;
    private final Sinks.Many<PoolRef> retired = Sinks.many().multicast().directBestEffort();
    private final long recheckMillis;
    private final Clock clock;
    private Disposable subscription;

    public SoldOutBoard(ReactiveStringRedisTemplate redis, String keyPrefix) {
        this(redis, keyPrefix, Duration.ofSeconds(1), Clock.systemUTC());
    }

    public SoldOutBoard(ReactiveStringRedisTemplate redis, String keyPrefix, Duration recheck, Clock clock) {
        this.redis = redis;
        this.channel = keyPrefix + ":soldout";
        this.recheckMillis = recheck.toMillis();
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        subscription = redis.listenTo(ChannelTopic.of(channel))
                .doOnNext(message -> apply(message.getMessage()))
                .then()
                .retryWhen(Retry.backoff(Long.MAX_VALUE, java.time.Duration.ofMillis(200)).maxBackoff(java.time.Duration.ofSeconds(5))
                        .doBeforeRetry(signal -> {
                            // Messages sent while away are lost: trust no mark learnt before.
                            soldOut.clear();
                            log.warn("sold-out channel lost, resubscribing: {}", signal.failure().toString());
                        }))
                .subscribe(message -> { }, failure -> log.debug("sold-out channel closed: {}", failure.toString()));
    }

    @Override
    public synchronized void stop() {
        if (subscription != null) {
            subscription.dispose();
            subscription = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return subscription != null;
    }

    /**
     * After Spring Data Redis' connection factory (phase 0) starts, before it stops; the web server (a later phase)
     * stops first, so the board serves its last requests.
     */
    @Override
    public int getPhase() {
        return 1;
    }

    public boolean isSoldOut(PoolRef ref) {
        Long until = soldOut.get(name(ref));
        return until != null && clock.millis() < until;
    }

    /** Marks the pool for {@code recheck}; tells the other instances when this one did not know it yet. */
    public Mono<Void> markSoldOut(PoolRef ref) {
        Long before = soldOut.put(name(ref), clock.millis() + recheckMillis);
        return before == null ? redis.convertAndSend(channel, "+" + name(ref)).then() : Mono.empty();
    }

    public Mono<Void> markRestocked(PoolRef ref) {
        soldOut.remove(name(ref));
        return redis.convertAndSend(channel, "-" + name(ref)).then();
    }

    /** Tells every instance (this one included, through the channel) that the scope left Redis. */
    public Mono<Void> markRetired(PoolRef scope) {
        forget(scope.scopeTag());
        return redis.convertAndSend(channel, "x" + PoolRefs.format(scope.scopeRef())).then();
    }

    /** Scopes retired from Redis, as this instance hears of them (may repeat; best effort, like the marks). */
    Flux<PoolRef> retired() {
        return retired.asFlux();
    }

    private void apply(String message) {
        String pool = message.substring(1);
        switch (message.charAt(0)) {
            case '+' -> soldOut.put(pool, clock.millis() + recheckMillis);
            case 'x' -> {
                PoolRef scope = PoolRefs.parse(pool);
                forget(scope.scopeTag());
                retired.tryEmitNext(scope);
            }
            default -> soldOut.remove(pool);
        }
    }

    private void forget(String scopeTag) {
        soldOut.keySet().removeIf(name -> name.startsWith(scopeTag + "/"));
    }

    /** Marks held in memory (bounded by the live pools once retired scopes are forgotten). */
    int size() {
        return soldOut.size();
    }

    private static String name(PoolRef ref) {
        return ref.scopeTag() + "/" + ref.pool();
    }
}
