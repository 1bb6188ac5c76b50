package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.fairrush.rush.PeriodicPass;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.kafka.ClaimLag;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.RetireScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Gives every pool a lifetime (docs/operations.md, "Retention"): once the life of each pool of a scope is over
 * ({@link PoolDefinition#activeUntil()}) and {@code fairrush.rush.retention} has passed since, and all the scope's
 * claims and changes are stored in Postgres, the scope leaves Redis (retire.lua), the pool registry and every
 * instance's memory; reads then answer from Postgres. Postgres holds everything once the scope has nothing pending,
 * unsent or unpublished in Redis and the persisters have committed every record that was in Kafka at that moment.
 * Any instance may retire a scope, several at once: the script re-checks everything in one step and retiring twice
 * changes nothing.
 */
public final class PoolRetirement extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(PoolRetirement.class);
    private static final Duration LAG_POLL = Duration.ofMillis(250);

    private final PoolRegistry registry;
    private final ReactiveStringRedisTemplate redis;
    private final RetireScript script;
    private final SoldOutBoard soldOut;
    private final ClaimLag lag;
    private final Clock clock;
    private final Duration retention;
    private final Duration interval;

    public PoolRetirement(PoolRegistry registry, ReactiveStringRedisTemplate redis, SoldOutBoard soldOut, ClaimLag lag, Clock clock,
            RushProperties properties) {
        super("retiring pools", properties.retireInterval());
        this.registry = registry;
        this.redis = redis;
        this.script = new RetireScript(redis);
        this.soldOut = soldOut;
        this.lag = lag;
        this.clock = clock;
        this.retention = properties.retention();
        this.interval = properties.retireInterval();
    }

    @Override
    protected Mono<Long> onePass() {
        return retireDue();
    }

    /** One pass: emits the number of scopes retired. */
    Mono<Long> retireDue() {
        Instant now = clock.instant();
        return registry.pools().collectList()
                .map(pools -> pools.stream().collect(Collectors.groupingBy(PoolRef::scopeRef)))
                .flatMapMany(byScope -> Flux.fromIterable(byScope.entrySet()))
                .filterWhen(scope -> due(scope.getKey(), scope.getValue(), now))
                .collectList()
                .flatMap(due -> due.isEmpty() ? Mono.just(0L) : storedInPostgres().flatMap(stored -> stored
                        ? Flux.fromIterable(due).concatMap(scope -> retire(scope.getKey(), scope.getValue(), now)).reduce(0L, Long::sum)
                        : Mono.just(0L)));
    }

    /** A cheap look before the lag check; retire.lua decides. */
    private Mono<Boolean> due(PoolRef scope, List<PoolRef> pools, Instant now) {
        PoolKeys keys = registry.keys(scope);
        Mono<Boolean> quiet = Mono.zip(redis.opsForHash().size(keys.pending()), redis.opsForZSet().size(keys.unsent()),
                redis.opsForHash().size(keys.changes())).map(n -> n.getT1() + n.getT2() + n.getT3() == 0);
        Mono<Boolean> over = Flux.fromIterable(pools)
                .concatMap(pool -> redis.<String, String>opsForHash().multiGet(registry.keys(pool).meta(), List.of("closesAt", "activeUntil")))
                .all(meta -> meta.get(0) == null
                        || !now.isBefore(Instant.ofEpochMilli(Long.parseLong(meta.get(1) != null ? meta.get(1) : meta.get(0))).plus(retention)));
        return over.flatMap(ended -> ended ? quiet : Mono.just(false));
    }

    /**
     * Every claim event in Kafka right now is committed by the persisters (so stored in Postgres), waiting a little
     * for them; events sent later belong to live pools. False when they do not catch up within the interval.
     */
    private Mono<Boolean> storedInPostgres() {
        return lag.endOffsets().flatMap(ends -> lag.committedUpTo(ends)
                .filter(Boolean::booleanValue)
                .repeatWhenEmpty(repeat -> repeat.delayElements(LAG_POLL))
                .timeout(interval, Mono.just(false)));
    }

    private Mono<Long> retire(PoolRef scope, List<PoolRef> pools, Instant now) {
        return script.run(registry.keys(scope), pools.stream().map(registry::keys).toList(), now, retention).flatMap(result -> {
            if (result == RetireScript.Result.NOT_YET) {
                return Mono.just(0L);
            }
            if (result == RetireScript.Result.RETIRED) {
                log.info("retired {} ({} pools) from Redis", scope.scopeTag(), pools.size());
            }
            return registry.unregister(pools).then(soldOut.markRetired(scope))
                    .thenReturn(result == RetireScript.Result.RETIRED ? 1L : 0L);
        });
    }
}
