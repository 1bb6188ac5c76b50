package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.PeriodicPass;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.lua.PersistenceScripts;
import org.fairrush.rush.lua.PoolKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import reactor.core.publisher.Mono;

/**
 * Clears the PENDING records of claims Postgres already holds. The persister clears a batch's records right after
 * committing its log position; when that clear fails (Redis away for longer than its retries) or the persister dies
 * between the commit and the clear, Kafka never delivers the batch again and nothing else would clear them: they
 * would count as pending for ever and block rebuilds and draws, which wait until nothing is pending.
 *
 * <p>Each pass reads each scope's pending hash in pages ({@value #PAGE} records, HSCAN) and asks the feature's sink
 * which of them are stored; claims younger than {@code settle} are left to the persister's own clear. Clearing a
 * stored claim is always safe (clear.lua only forgets it), so instances need not agree on who runs a pass.
 *
 * <p>While the persisters are behind (consumer lag above zero), a scope holding more than
 * {@value PoolQueries#PENDING_BACKLOG} pending records is left for a later pass (docs/design.md section 11, note 53).
 * Those records are then mostly the backlog the persisters have not reached, and only a claim they have passed can be
 * stranded; reading them all and asking Postgres about each, every minute on every instance, cost the API CPU in
 * proportion to the backlog at the moment it was busiest (a rush's backlog of 300,000 claims: 600 pages decoded and 600
 * queries a minute per instance). What stranded records block (a rebuild, a draw) waits for the backlog to be stored
 * anyway. Once the persisters have caught up, or the scope is small, or the lag cannot be read, the pass reads the
 * scope whole as before.
 */
public final class StrandedClaims extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(StrandedClaims.class);

    static final int PAGE = 500;

    private final PoolRegistry registry;
    private final PoolQueries queries;
    private final ReactiveStringRedisTemplate redis;
    private final PersistenceScripts scripts;
    private final Map<String, ClaimSink> sinks;
    private final ClaimCodec codec;
    private final Clock clock;
    private final Duration settle;
    /** The claim events Kafka holds that the persisters have not stored yet (ClaimLag::total in production). */
    private final Supplier<Mono<Long>> persisterLag;

    public StrandedClaims(PoolRegistry registry, PoolQueries queries, ReactiveStringRedisTemplate redis, List<ClaimSink> sinks,
            ClaimCodec codec, Clock clock, Duration interval, Duration settle, Supplier<Mono<Long>> persisterLag) {
        super("clearing stranded pending claims", interval);
        this.registry = registry;
        this.queries = queries;
        this.redis = redis;
        this.scripts = new PersistenceScripts(redis);
        this.sinks = sinks.stream().collect(Collectors.toMap(ClaimSink::kind, Function.identity()));
        this.codec = codec;
        this.clock = clock;
        this.settle = settle;
        this.persisterLag = persisterLag;
    }

    @Override
    protected Mono<Long> onePass() {
        return pass();
    }

    /** One pass over every scope; emits the number of PENDING records cleared. */
    Mono<Long> pass() {
        Instant settled = clock.instant().minus(settle);
        return persisterLag.get().onErrorReturn(-1L).flatMap(lag -> registry.pools()
                .map(PoolRef::scopeRef)
                .distinct()
                .filter(scope -> sinks.containsKey(scope.kind()))
                .concatMap(scope -> readable(scope, lag)
                        .flatMap(keys -> clearStored(keys, sinks.get(scope.kind()), settled)))
                .reduce(0L, Long::sum));
    }

    /** The scope's keys, unless its pending hash is a persisters' backlog ({@link PoolQueries#isBacklog}). */
    private Mono<PoolKeys> readable(PoolRef scope, long lag) {
        return queries.isBacklog(scope, lag).filter(backlog -> !backlog).map(readable -> registry.keys(scope));
    }

    private Mono<Long> clearStored(PoolKeys keys, ClaimSink sink, Instant settled) {
        return redis.<String, String>opsForHash().scan(keys.pending(), ScanOptions.scanOptions().count(PAGE).build())
                .map(entry -> codec.read(entry.getValue()))
                .filter(claim -> claim.occurredAt().isBefore(settled))
                .buffer(PAGE)
                .concatMap(page -> sink.storedAmong(page.stream().map(ClaimRecorded::eventId).toList()).collect(Collectors.toSet())
                        .flatMap(stored -> clear(keys, page, stored)))
                .reduce(0L, Long::sum);
    }

    private Mono<Long> clear(PoolKeys keys, List<ClaimRecorded> page, Set<UUID> stored) {
        List<ClaimRecorded> stranded = page.stream().filter(claim -> stored.contains(claim.eventId())).toList();
        if (stranded.isEmpty()) {
            return Mono.just(0L);
        }
        return scripts.clear(keys, stranded).doOnNext(cleared -> log.warn(
                "cleared {} pending records of {} whose claims were stored already", cleared, keys.ref().scopeTag()));
    }
}
