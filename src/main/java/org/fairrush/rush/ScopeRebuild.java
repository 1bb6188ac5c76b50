package org.fairrush.rush;

import java.time.Duration;
import java.util.List;

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

    private final RushEngine engine;
    private final ClaimLag lag;

    ScopeRebuild(RushEngine engine, ClaimLag lag) {
        this.engine = engine;
        this.lag = lag;
    }

    /**
     * @param scope        the scope to rebuild
     * @param pools        its pools, paused while it is rebuilt
     * @param fromPostgres the state to write, read once the scope is drained (subscribed only then)
     * @param staysPaused  whether staff had paused the pools (then they stay paused)
     */
    public Mono<Void> rebuild(PoolRef scope, List<PoolRef> pools, Mono<ScopeState> fromPostgres,
            boolean staysPaused) {
        Mono<Void> resume = Flux.fromIterable(pools).concatMap(pool -> engine.setPaused(pool, staysPaused)).then();
        return Flux.fromIterable(pools).concatMap(pool -> engine.setPaused(pool, true)).then()
                .then(drained(scope))
                .then(fromPostgres)
                .flatMap(engine::rebuild)
                .onErrorResume(failure -> resume.then(Mono.error(failure)))
                .then(resume);
    }

    /** Completes once Kafka's claim events are all stored and nothing of the scope waits to be stored or published. */
    private Mono<Void> drained(PoolRef scope) {
        return Mono.zip(lag.total(), engine.pendingCount(scope), engine.unpublishedChanges(scope))
                .filter(counts -> counts.getT1() == 0 && counts.getT2() == 0 && counts.getT3() == 0)
                .repeatWhenEmpty(repeat -> repeat.delayElements(POLL))
                .timeout(DRAIN_WAIT)
                .then();
    }
}
