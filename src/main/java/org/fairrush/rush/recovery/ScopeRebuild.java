package org.fairrush.rush.recovery;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.ScopeState;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.RebuildScript;
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
    /** The claim events Kafka holds that the persisters have not stored yet (ClaimLag::total in production). */
    private final Supplier<Mono<Long>> persisterLag;

    public ScopeRebuild(PoolRegistry registry, PoolQueries queries, RebuildScript script, SoldOutBoard soldOut,
            Supplier<Mono<Long>> persisterLag) {
        this.registry = registry;
        this.queries = queries;
        this.script = script;
        this.soldOut = soldOut;
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
        Mono<Void> resume = Flux.fromIterable(pools).concatMap(pool -> registry.setPaused(pool, staysPaused)).then();
        return Flux.fromIterable(pools).concatMap(pool -> registry.setPaused(pool, true)).then()
                .then(drained(scope))
                .then(fromPostgres)
                .flatMap(this::write)
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
     * Replaces a scope's Redis state with what Postgres implies; its pools are left paused. Refused (an error)
     * while the scope still has claims pending or changes unpublished: they must reach Postgres first, or the
     * state read from it would miss them.
     */
    private Mono<Void> write(ScopeState state) {
        PoolKeys scope = registry.keys(state.scope());
        return Mono.zip(queries.pendingCount(state.scope()), queries.unpublishedChanges(state.scope())).flatMap(counts -> counts.getT1() + counts.getT2() > 0
                ? Mono.error(new IllegalStateException(counts.getT1() + " claims and " + counts.getT2() + " changes of "
                        + state.scope().scopeTag() + " are not stored yet"))
                : script.scope(scope, state)
                        .thenMany(Flux.fromIterable(state.pools()))
                        .concatMap(pool -> script.pool(registry.keys(pool.definition().ref()), pool)
                                .then(registry.register(pool.definition().ref()))
                                // A mark from before the loss must not refuse grabs on the units found again.
                                .then(pool.remaining() > 0 ? soldOut.markRestocked(pool.definition().ref()) : Mono.empty()))
                        .then());
    }
}
