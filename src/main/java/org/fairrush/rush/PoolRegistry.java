package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.fairrush.rush.lua.DefinePoolScript;
import org.fairrush.rush.lua.PoolKeys;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The pools the engine holds in Redis: defining them, pausing them, and the registry the background jobs
 * (sweeper, reconciliation, retirement) walk; pools whose life is over leave it again (PoolRetirement).
 */
public class PoolRegistry {

    private final ReactiveStringRedisTemplate redis;
    private final DefinePoolScript defineScript;
    private final SoldOutBoard soldOut;
    private final Clock clock;
    private final String keyPrefix;
    private final Duration retention;

    PoolRegistry(ReactiveStringRedisTemplate redis, DefinePoolScript defineScript, SoldOutBoard soldOut, Clock clock,
            RushProperties properties) {
        this.redis = redis;
        this.defineScript = defineScript;
        this.soldOut = soldOut;
        this.clock = clock;
        this.keyPrefix = properties.keyPrefix();
        this.retention = properties.retention();
    }

    /** Loads a pool into Redis; emits false (and changes nothing) when it was there already. */
    public Mono<Boolean> define(PoolDefinition pool) {
        return defineScript.run(keys(pool.ref()), pool)
                .flatMap(created -> register(pool.ref()).thenReturn(created));
    }

    /**
     * Loads a counted stock split over {@code buckets} buckets (docs/design.md section 11, note 33), each a pool of its
     * own under its own hash tag with the same window and limit: bucket b holds {@code stock / buckets} units, the first
     * {@code stock % buckets} buckets one more. Emits false (and changes nothing more) when a bucket was there already.
     * One bucket is {@link #define(PoolDefinition)}.
     */
    public Mono<Boolean> define(PoolDefinition whole, int buckets) {
        if (buckets <= 1) {
            return define(whole);
        }
        if (!whole.items().isEmpty() || whole.waitlist() || whole.ref().bucket() != 0 || buckets > PoolRef.MAX_BUCKETS) {
            throw new IllegalArgumentException("only a counted stock without a waiting list splits into 1.."
                    + PoolRef.MAX_BUCKETS + " buckets: " + whole);
        }
        return Flux.range(0, buckets)
                .concatMap(bucket -> define(new PoolDefinition(whole.ref().inBucket(bucket), whole.opensAt(), whole.closesAt(),
                        whole.perActorLimit(), whole.stock() / buckets + (bucket < whole.stock() % buckets ? 1 : 0), List.of(), false,
                        whole.activeUntil())))
                .all(Boolean::booleanValue)
                // Bucket 0 stands for the whole stock: its meta says how many buckets to sum (PoolQueries#remaining).
                .flatMap(created -> created ? markBuckets(whole.ref(), buckets).thenReturn(true) : Mono.just(false));
    }

    /**
     * Bucket 0 of a stock stands for the whole stock: its meta says how many buckets to sum (PoolQueries#remaining).
     * Written once the buckets are defined, or rebuilt.
     */
    public Mono<Void> markBuckets(PoolRef whole, int buckets) {
        return redis.opsForHash().put(keys(whole.inBucket(0)).meta(), "buckets", Integer.toString(buckets)).then();
    }

    /** Every pool defined so far (for the sweeper and reconciliation). */
    public Flux<PoolRef> pools() {
        return redis.opsForSet().members(registryKey()).map(PoolRefs::parse);
    }

    /** Lists a pool (again) for the background jobs, e.g. once a rebuild loaded it. */
    public Mono<Void> register(PoolRef ref) {
        return redis.opsForSet().add(registryKey(), PoolRefs.format(ref)).then();
    }

    /** Forgets pools retired from Redis: the background loops no longer visit them. */
    public Mono<Void> unregister(List<PoolRef> refs) {
        return refs.isEmpty() ? Mono.empty()
                : redis.opsForSet().remove(registryKey(), refs.stream().map(PoolRefs::format).toArray()).then();
    }

    String registryKey() {
        return keyPrefix + ":pools";
    }

    /**
     * Pauses or resumes claims on a pool. A pool not in Redis (retired, or lost until its rebuild) is left alone:
     * a lone 'paused' field would be a key no retirement ever removes.
     */
    public Mono<Void> setPaused(PoolRef ref, boolean paused) {
        String meta = keys(ref).meta();
        return redis.hasKey(meta).flatMap(present -> present ? redis.opsForHash().put(meta, "paused", paused ? "1" : "0") : Mono.just(false))
                .then();
    }

    /**
     * Whether a pool whose claims could change until {@code activeUntil} may have been retired from Redis by now:
     * a feature that finds no Redis state for it then answers from Postgres (which holds all of it), rather than
     * as a pool Redis lost.
     */
    public boolean pastRetention(Instant activeUntil) {
        return !clock.instant().isBefore(activeUntil.plus(retention));
    }

    /** Scopes retired from Redis, heard by this instance: a feature drops what it keeps of them in memory. */
    public Flux<PoolRef> retiredScopes() {
        return soldOut.retired();
    }

    /** Where a pool's state lives in Redis under this engine's key prefix. */
    public PoolKeys keys(PoolRef ref) {
        return new PoolKeys(keyPrefix, ref);
    }
}
