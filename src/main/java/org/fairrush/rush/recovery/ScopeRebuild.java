package org.fairrush.rush.recovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.fairrush.rush.Buckets;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.ScopeState;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.RebuildScript;
import org.fairrush.rush.lua.TransferScripts;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Restores a scope's Redis state from Postgres after Redis lost its data (runbook: docs/operations.md, "Redis
 * lost"): pauses the scope's pools, waits until the persisters drained Kafka and nothing of the scope
 * is pending or unpublished, writes the state its feature reads from Postgres and resumes the pools (unless staff
 * had paused them). A rebuild that cannot start (the log does not drain in time) resumes the pools and fails,
 * changing nothing else. Callers report the pools' reconciliation afterwards.
 */
public final class ScopeRebuild {

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(60);

    private final PoolRegistry registry;
    private final PoolQueries queries;
    private final RebuildScript script;
    private final SoldOutBoard soldOut;
    private final TransferScripts transfers;
    /** The claim events Kafka holds that the persisters have not stored yet (ClaimLag::total in production). */
    private final Supplier<Mono<Long>> persisterLag;

    public ScopeRebuild(PoolRegistry registry, PoolQueries queries, RebuildScript script, SoldOutBoard soldOut,
            TransferScripts transfers, Supplier<Mono<Long>> persisterLag) {
        this.registry = registry;
        this.queries = queries;
        this.script = script;
        this.soldOut = soldOut;
        this.transfers = transfers;
        this.persisterLag = persisterLag;
    }

    /**
     * @param scope        the scope to rebuild
     * @param pools        its pools, paused while it is rebuilt
     * @param fromPostgres the state to write, read once the scope is drained (subscribed only then)
     * @param staysPaused  whether staff had paused the pools (then they stay paused)
     */
    public Mono<Void> rebuild(PoolRef scope, List<PoolRef> pools, Mono<ScopeState> fromPostgres,
            boolean staysPaused) {
        return paused(pools, List.of(scope), fromPostgres.flatMap(this::write), staysPaused);
    }

    /**
     * Rebuilds a scope's single counted stock split over {@code buckets} buckets (docs/design.md section 11, notes 33
     * and 34): every bucket paused and drained, the moves between buckets cancelled, then each bucket written as a scope
     * of its own with the holders whose home it is (so each limit stays exact) and its share of the units left, split as
     * at creation ({@link PoolRegistry#define(PoolDefinition, int)}).
     *
     * @param fromPostgres the whole stock's state: its holders and one counted pool named by bucket 0, whose
     *                     definition has the whole stock and whose remaining units are the whole stock's
     */
    public Mono<Void> rebuildBuckets(PoolRef whole, int buckets, Mono<ScopeState> fromPostgres, boolean staysPaused) {
        List<PoolRef> all = IntStream.range(0, buckets).mapToObj(whole::inBucket).toList();
        return paused(all, all, cancelMoves(all).then(fromPostgres).flatMap(state -> writeBuckets(state, all)), staysPaused);
    }

    /** Pauses the pools, waits until every scope is drained, writes, and resumes (unless staff had paused them). */
    private Mono<Void> paused(List<PoolRef> pools, List<PoolRef> scopes, Mono<Void> write, boolean staysPaused) {
        Mono<Void> resume = Flux.fromIterable(pools).concatMap(pool -> registry.setPaused(pool, staysPaused)).then();
        return Flux.fromIterable(pools).concatMap(pool -> registry.setPaused(pool, true)).then()
                .then(Flux.fromIterable(scopes).concatMap(this::drained).then())
                .then(write)
                .onErrorResume(failure -> resume.then(Mono.error(failure)))
                .then(resume);
    }

    /** Completes once Kafka's claim events are all stored and nothing of the scope waits to be stored or published. */
    private Mono<Void> drained(PoolRef scope) {
        return Mono.zip(Mono.defer(persisterLag), queries.pendingCount(scope), queries.unpublishedChanges(scope))
                .filter(counts -> counts.getT1() == 0 && counts.getT2() == 0 && counts.getT3() == 0)
                .repeatWhenEmpty(repeat -> repeat.delayElements(POLL))
                .timeout(DRAIN_WAIT)
                .then();
    }

    /**
     * Every move still in a bucket's journal will never be credited: its id joins its receiver's received set, so a
     * receive-units.lua that comes late (a giver between its steps, the sweeper) credits nothing. Done for all buckets
     * before any is written: the units left are counted from Postgres, moves included, and a credit landing on a
     * rebuilt bucket would count them twice. The buckets are paused, so no move starts meanwhile (give-units.lua);
     * each bucket's journal is emptied when it is written (rebuild-scope.lua).
     */
    private Mono<Void> cancelMoves(List<PoolRef> buckets) {
        return Flux.fromIterable(buckets)
                .concatMap(giver -> transfers.journal(registry.keys(giver))
                        .concatMap(move -> transfers.cancel(registry.keys(giver.inBucket(move.toBucket())), move.id())))
                .then();
    }

    /** Each bucket a scope of its own: the holders whose home it is, its share of the units left and of the stock. */
    private Mono<Void> writeBuckets(ScopeState whole, List<PoolRef> buckets) {
        if (whole.pools().size() != 1 || whole.pools().get(0).items() || !whole.claims().isEmpty()) {
            return Mono.error(new IllegalArgumentException("buckets hold one counted stock: " + whole.pools()));
        }
        ScopeState.Pool pool = whole.pools().get(0);
        PoolDefinition definition = pool.definition();
        int count = buckets.size();
        return Flux.fromIterable(buckets)
                .concatMap(bucket -> {
                    int b = bucket.bucket();
                    Map<String, Integer> holders = whole.holders().entrySet().stream()
                            .filter(holder -> Buckets.home(holder.getKey(), count) == b)
                            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                    PoolDefinition share = new PoolDefinition(bucket, definition.opensAt(), definition.closesAt(),
                            definition.perActorLimit(), share(definition.stock(), count, b), List.of(), false, definition.activeUntil());
                    return writeScope(new ScopeState(bucket, holders, List.of(),
                            List.of(ScopeState.Pool.counted(share, share(pool.remaining(), count, b)))), false);
                })
                .then(registry.markBuckets(whole.scope(), count))
                // A mark from before the loss must not refuse grabs on the units found again (the board knows bucket 0).
                .then(pool.remaining() > 0 ? soldOut.markRestocked(whole.scope()) : Mono.empty());
    }

    /** Bucket {@code bucket}'s share of {@code units}: as even as can be, the first buckets one more. */
    private static long share(long units, int buckets, int bucket) {
        return units / buckets + (bucket < units % buckets ? 1 : 0);
    }

    private static int share(int units, int buckets, int bucket) {
        return units / buckets + (bucket < units % buckets ? 1 : 0);
    }

    /**
     * Replaces a scope's Redis state with what Postgres implies; its pools are left paused. Refused (an error)
     * while the scope still has claims pending or changes unpublished: they must reach Postgres first, or the
     * state read from it would miss them.
     */
    private Mono<Void> write(ScopeState state) {
        return writeScope(state, true);
    }

    /** @param restock whether a pool with units left clears its sold-out mark (a bucket's is its stock's bucket 0's) */
    private Mono<Void> writeScope(ScopeState state, boolean restock) {
        PoolKeys scope = registry.keys(state.scope());
        return Mono.zip(queries.pendingCount(state.scope()), queries.unpublishedChanges(state.scope())).flatMap(counts -> counts.getT1() + counts.getT2() > 0
                ? Mono.error(new IllegalStateException(counts.getT1() + " claims and " + counts.getT2() + " changes of "
                        + state.scope().scopeTag() + " are not stored yet"))
                : script.scope(scope, state)
                        .thenMany(Flux.fromIterable(state.pools()))
                        .concatMap(pool -> script.pool(registry.keys(pool.definition().ref()), pool)
                                .then(registry.register(pool.definition().ref()))
                                // A mark from before the loss must not refuse grabs on the units found again.
                                .then(restock && pool.remaining() > 0 ? soldOut.markRestocked(pool.definition().ref()) : Mono.empty()))
                        .then());
    }
}
