package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Duration;

import org.fairrush.rush.Buckets;
import org.fairrush.rush.ChangeOutbox;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.Claims;
import org.fairrush.rush.Leases;
import org.fairrush.rush.PeriodicPass;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.TransferScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Republishes claims that were recorded in Redis but never acknowledged by Kafka: the instance that made
 * them died between the claim script and the send (docs/design.md section 2). A claim older than
 * {@code sweepAfter} that is neither acknowledged nor taken over by the persister is published again
 * (a duplicate is harmless: the claim id is the primary key) and then marked acknowledged. Changes of claims
 * (a release, a promotion) that wait in the scope's outbox because Kafka did not take them, or their
 * instance died, are published again too (a sink keeps the highest revision, so a duplicate is harmless).
 * Stock units a bucket gave to another and never settled (its instance died between the steps of the move,
 * docs/design.md section 11, note 33) are credited to their receiver and settled, once older than {@code sweepAfter}.
 * One instance sweeps a scope at a time, its owner: it holds the scope's lease ({@link Leases}), renews it on
 * each pass and keeps sweeping it while it lives; another instance takes the scope over once the owner stopped
 * renewing for {@code 3 x sweepInterval}. A pass over a scope is cut short after {@code 2 x sweepInterval}, so
 * an owner never sweeps on after its lease has gone to another (what it did not finish waits for the next pass).
 */
public final class PendingSweeper extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(PendingSweeper.class);

    private final PoolRegistry registry;
    private final PoolQueries queries;
    private final ChangeOutbox outbox;
    private final ReactiveStringRedisTemplate redis;
    private final ClaimPublisher publisher;
    private final Clock clock;
    private final Duration interval;
    private final Duration sweepAfter;
    private final Leases leases;
    private final Buckets buckets;
    /** Most claims republished per scope and pass; the rest wait for the next pass. */
    private static final int BATCH = 500;

    public PendingSweeper(PoolRegistry registry, PoolQueries queries, ChangeOutbox outbox, ReactiveStringRedisTemplate redis,
            ClaimPublisher publisher, Clock clock, RushProperties properties) {
        this(registry, queries, outbox, redis, publisher, clock, properties, new Leases(redis));
    }

    public PendingSweeper(PoolRegistry registry, PoolQueries queries, ChangeOutbox outbox, ReactiveStringRedisTemplate redis,
            ClaimPublisher publisher, Clock clock, RushProperties properties, Leases leases) {
        super("sweeping pending claims", properties.sweepInterval());
        this.leases = leases;
        this.registry = registry;
        this.queries = queries;
        this.outbox = outbox;
        this.redis = redis;
        this.publisher = publisher;
        this.clock = clock;
        this.interval = properties.sweepInterval();
        this.sweepAfter = properties.sweepAfter();
        this.buckets = new Buckets(redis, new TransferScripts(redis), clock, properties);
    }

    @Override
    protected Mono<Long> onePass() {
        return sweep();
    }

    /** One pass over every scope; emits the number of claims republished. */
    Mono<Long> sweep() {
        return registry.pools()
                .map(PoolRef::scopeRef)
                .distinct()
                .concatMap(this::sweepScope)
                .reduce(0L, Long::sum);
    }

    private Mono<Long> sweepScope(PoolRef scope) {
        PoolKeys keys = registry.keys(scope);
        return leases.hold(keys.sweeperLease(), interval.multipliedBy(3))
                .filter(Boolean::booleanValue)
                .flatMap(leased -> republishStale(keys)
                        .flatMap(republished -> republishChanges(keys).map(changes -> republished + changes))
                        .flatMap(swept -> settleTransfers(scope).thenReturn(swept))
                        .timeout(interval.multipliedBy(2), Mono.fromRunnable(() ->
                                log.warn("sweeping {} took longer than its lease allows; the rest waits for the next pass",
                                        keys.ref().scopeTag()))))
                .defaultIfEmpty(0L);
    }

    /** Completes the stock moves this bucket started and never settled. */
    private Mono<Long> settleTransfers(PoolRef bucket) {
        return buckets.settleStranded(bucket, clock.instant().minus(sweepAfter))
                .doOnNext(settled -> {
                    if (settled > 0) {
                        log.info("settled {} stranded stock moves of {}", settled, bucket.scopeTag());
                    }
                });
    }

    /** Publishes the scope's outbox of changes, if any; emits how many there were. */
    private Mono<Long> republishChanges(PoolKeys keys) {
        return redis.opsForHash().size(keys.changes())
                .flatMap(waiting -> waiting == 0 ? Mono.just(0L) : outbox.publishChanges(keys.ref())
                        .doOnSuccess(done -> log.info("republished {} pending changes of {}", waiting, keys.ref().scopeTag()))
                        .thenReturn(waiting)
                        .onErrorResume(failure -> {
                            log.warn("changes of {} still not acknowledged: {}", keys.ref().scopeTag(), failure.toString());
                            return Mono.just(0L);
                        }));
    }

    /** Claims older than sweepAfter that no request or persister has confirmed in Kafka: publish them again. */
    private Mono<Long> republishStale(PoolKeys keys) {
        return queries.unsentClaims(keys.ref(), clock.instant().minus(sweepAfter), BATCH)
                .concatMap(claim -> publisher.publish(claim)
                        .then(Claims.markAcknowledged(redis, keys, claim.eventId().toString()))
                        .doOnSuccess(marked -> log.info("republished pending claim {} of {}", claim.eventId(), keys.ref().scopeTag()))
                        .thenReturn(1L))
                .count();
    }
}
