package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.fairrush.rush.Buckets;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.lua.PoolKeys;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checks invariant 3 of docs/design.md per pool: stock_total = remaining in Redis + units stored in Postgres
 * + units pending (recorded in Redis, not yet stored). Reports OK or the exact difference, with the
 * persisters' consumer lag beside it (a lag above zero means stored counts are still catching up). A stock split over
 * buckets is checked whole (docs/design.md section 11, note 33): units move between its buckets, so only their sums
 * (the buckets' stock plus the units on their way between them) make the invariant.
 */
public final class Reconciliation {

    private final PoolRegistry registry;
    private final PoolQueries queries;
    private final ReactiveStringRedisTemplate redis;
    private final Map<String, ClaimSink> sinks;
    /** The claim events Kafka holds that the persisters have not stored yet (ClaimLag::total in production). */
    private final Supplier<Mono<Long>> persisterLag;
    private final Clock clock;
    private final Buckets buckets;

    public Reconciliation(PoolRegistry registry, PoolQueries queries, ReactiveStringRedisTemplate redis, List<ClaimSink> sinks,
            Supplier<Mono<Long>> persisterLag, Clock clock, Buckets buckets) {
        this.registry = registry;
        this.queries = queries;
        this.redis = redis;
        this.sinks = sinks.stream().collect(Collectors.toMap(ClaimSink::kind, Function.identity()));
        this.persisterLag = persisterLag;
        this.clock = clock;
        this.buckets = buckets;
    }

    /**
     * @param total            the pool's stock
     * @param remaining        units left in Redis (-1 when the pool is missing from Redis)
     * @param stored           units held by claims stored in Postgres
     * @param pendingNotStored units held by pending claims not in Postgres yet
     * @param difference       total - remaining - stored - pendingNotStored; 0 when the invariant holds
     */
    public record PoolReport(String kind, String scope, String pool, long total, long remaining, long stored,
            long pendingNotStored, long difference, boolean ok) {
    }

    /** @param consumerLag claim events not yet committed by the persisters, -1 when Kafka cannot be asked */
    public record Report(Instant at, long consumerLag, boolean ok, List<PoolReport> pools) {
    }

    public Mono<Report> all() {
        return reports((ref, buckets) -> Mono.just(true))
                .zipWith(persisterLag.get().onErrorReturn(-1L))
                .map(both -> new Report(clock.instant(), both.getT2(),
                        both.getT1().stream().allMatch(PoolReport::ok), both.getT1()));
    }

    /**
     * As {@link #all()}, leaving out the pools whose scope's pending hash is the persisters' backlog
     * ({@link PoolQueries#isBacklog}, docs/design.md section 11, note 53): checking them reads every pending claim and
     * asks Postgres about it, in proportion to the backlog, while the service is busiest. The minute's check runs so;
     * they are checked again once the persisters have caught up, and {@link #all()} (on demand) checks everything.
     */
    public Mono<Report> allButBacklogs() {
        return persisterLag.get().onErrorReturn(-1L).flatMap(consumerLag -> reports((ref, buckets) -> Flux.range(0, buckets)
                        .concatMap(bucket -> queries.isBacklog(ref.inBucket(bucket).scopeRef(), consumerLag))
                        .all(backlog -> !backlog))
                .map(reports -> new Report(clock.instant(), consumerLag, reports.stream().allMatch(PoolReport::ok), reports)));
    }

    /** Reports of every pool (a stock over buckets as one: bucket 0 and its count of buckets) that {@code checked} lets through. */
    private Mono<List<PoolReport>> reports(BiFunction<PoolRef, Integer, Mono<Boolean>> checked) {
        return registry.pools().collectList()
                .flatMapMany(pools -> {
                    // A stock over buckets: its bucket 0 stands for it, the other buckets are counted in.
                    Map<PoolRef, Long> bucketsOf = pools.stream().filter(ref -> ref.bucket() > 0)
                            .collect(Collectors.groupingBy(ref -> ref.inBucket(0), Collectors.counting()));
                    return Flux.fromIterable(pools).filter(ref -> ref.bucket() == 0).concatMap(ref -> {
                        int buckets = bucketsOf.containsKey(ref) ? Math.toIntExact(bucketsOf.get(ref)) + 1 : 1;
                        return checked.apply(ref, buckets).filter(Boolean::booleanValue)
                                .flatMap(yes -> buckets > 1 ? stock(ref, buckets) : pool(ref));
                    });
                })
                .collectList();
    }

    /** The whole stock of {@code count} buckets, bucket 0 being {@code whole}: one report with the buckets' sums. */
    public Mono<PoolReport> stock(PoolRef whole, int count) {
        ClaimSink sink = sinks.get(whole.kind());
        Flux<PoolRef> all = Flux.range(0, count).map(whole::inBucket);
        Mono<Long> total = all.concatMap(ref -> redis.<String, String>opsForHash().get(registry.keys(ref).meta(), "total").map(Long::parseLong))
                .reduce(0L, Long::sum);
        Mono<Long> remaining = buckets.remaining(whole, count).defaultIfEmpty(-1L);
        Mono<Long> pendingNotStored = all.concatMap(this::pendingNotStored).reduce(0L, Long::sum);
        return report(whole, total, remaining, sink.countHolding(whole), pendingNotStored);
    }

    public Mono<PoolReport> pool(PoolRef ref) {
        ClaimSink sink = sinks.get(ref.kind());
        PoolKeys keys = registry.keys(ref);
        Mono<Long> total = redis.<String, String>opsForHash().get(keys.meta(), "total").map(Long::parseLong).defaultIfEmpty(-1L);
        Mono<Long> remaining = queries.remaining(ref).defaultIfEmpty(-1L);
        Mono<Long> stored = sink.countHolding(ref);
        return report(ref, total, remaining, stored, pendingNotStored(ref));
    }

    /**
     * Pending claims holding a unit of the pool that Postgres does not have yet, asked a page at a time: what this holds
     * at once is a page and the ids counted, never the whole pending hash (a lagging persister leaves it large).
     */
    private Mono<Long> pendingNotStored(PoolRef ref) {
        ClaimSink sink = sinks.get(ref.kind());
        return Mono.defer(() -> {
            Set<UUID> notStored = new HashSet<>();
            return queries.pendingClaims(ref.scopeRef())
                    .filter(claim -> claim.pool().equals(ref.pool()) && ClaimRecorded.HELD.equals(claim.status()))
                    .map(ClaimRecorded::eventId)
                    .buffer(PoolQueries.PENDING_PAGE)
                    .concatMap(page -> sink.storedAmong(page).collect(Collectors.toSet())
                            .doOnNext(stored -> page.stream().filter(id -> !stored.contains(id)).forEach(notStored::add)))
                    .then(Mono.fromSupplier(() -> (long) notStored.size()));
        });
    }

    private static Mono<PoolReport> report(PoolRef ref, Mono<Long> total, Mono<Long> remaining, Mono<Long> stored, Mono<Long> pendingNotStored) {
        return Mono.zip(total, remaining, stored, pendingNotStored).map(n -> {
            long difference = n.getT1() - Math.max(0, n.getT2()) - n.getT3() - n.getT4();
            return new PoolReport(ref.kind(), ref.scope(), ref.pool(), n.getT1(), n.getT2(), n.getT3(), n.getT4(),
                    difference, difference == 0 && n.getT2() >= 0);
        });
    }
}
