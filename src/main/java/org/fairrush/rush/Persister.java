package org.fairrush.rush;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Moves claim events from the log into Postgres (DESIGN.md section 2): per batch, the persister takes
 * the claims over in Redis (so a late reversal cannot contradict them and reversed ones are skipped),
 * stores them through the features' {@link ClaimSink}s in one transaction, commits the log position, and
 * then clears their PENDING records. A failing database is retried with backoff, batch after batch in
 * order, and the log position is not committed until the batch is stored.
 *
 * <p>A lifecycle bean: it consumes only while its application context runs, so a stopped (or, in tests, paused)
 * context leaves the consumer group instead of keeping partitions it can no longer store.
 */
final class Persister implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Persister.class);

    private final ClaimStream stream;
    private final Map<String, ClaimSink> sinks;
    private final PersistenceScripts scripts;
    private final TransactionalOperator transaction;
    private final String keyPrefix;
    private Disposable running;

    Persister(ClaimStream stream, List<ClaimSink> sinks, PersistenceScripts scripts, TransactionalOperator transaction,
            String keyPrefix) {
        this.stream = stream;
        this.sinks = sinks.stream().collect(Collectors.toMap(ClaimSink::kind, Function.identity()));
        this.scripts = scripts;
        this.transaction = transaction;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        running = stream.batches()
                .concatMap(this::handle)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("claim stream failed, resubscribing: {}", signal.failure().toString())))
                .subscribe();
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    private Mono<Void> handle(ClaimStream.Batch batch) {
        batch.rejected().forEach(reason -> log.error("skipping a record that is not a claim event: {}", reason));
        Map<PoolKeys, List<ClaimRecorded>> byScope = batch.claims().stream()
                .collect(Collectors.groupingBy(claim -> new PoolKeys(keyPrefix, PoolRef.single(claim.kind(), claim.scope()))));
        return store(byScope)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("storing {} claims failed, retrying: {}",
                                batch.claims().size(), signal.failure().toString())))
                .then(batch.commit())
                .then(clear(byScope));
    }

    private Mono<Void> store(Map<PoolKeys, List<ClaimRecorded>> byScope) {
        return Flux.fromIterable(byScope.entrySet())
                .concatMap(scope -> scripts.confirm(scope.getKey(), scope.getValue()))
                .flatMapIterable(Function.identity())
                .collectList()
                .flatMap(kept -> Flux.fromIterable(kept.stream().collect(Collectors.groupingBy(ClaimRecorded::kind)).entrySet())
                        .concatMap(kind -> sink(kind.getKey()).store(kind.getValue()))
                        .then()
                        .as(transaction::transactional));
    }

    private Mono<Void> clear(Map<PoolKeys, List<ClaimRecorded>> byScope) {
        return Flux.fromIterable(byScope.entrySet())
                .concatMap(scope -> scripts.clear(scope.getKey(), scope.getValue()))
                .then()
                .retryWhen(Retry.backoff(5, Duration.ofMillis(100)))
                // Left pending, the claims are republished by the sweeper and stored again idempotently.
                .onErrorResume(failure -> Mono.fromRunnable(() -> log.warn("clearing pending claims failed: {}", failure.toString())));
    }

    private ClaimSink sink(String kind) {
        ClaimSink sink = sinks.get(kind);
        if (sink == null) {
            throw new IllegalStateException("no ClaimSink for kind " + kind);
        }
        return sink;
    }
}
