package org.fairrush.rush.persist;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimLogs;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.ClaimStream;
import org.fairrush.rush.PeriodicPass;
import org.fairrush.rush.RushMetrics;
import org.fairrush.rush.lua.PersistenceScripts;
import org.fairrush.rush.lua.PoolKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Moves claim events from the log into Postgres (docs/design.md section 2): per batch, the persister takes
 * the claims over in Redis (so a late reversal cannot contradict them and reversed ones are skipped),
 * stores them through the features' {@link ClaimSink}s in one transaction ({@link ClaimStorage}), commits the
 * log position, and then clears their PENDING records.
 *
 * <p>Two stages overlap, each in log order: while one batch's position is being committed and its PENDING
 * records cleared, the next batch is already being stored. A position is committed only after its batch
 * (and so every batch before it) is stored; at most {@value #UNCOMMITTED_BATCHES} stored batches wait for
 * their commit, and a crash in between only delivers them again (storing is idempotent).
 *
 * <p>A database that is down or slow is retried with backoff, batch after batch in order, and the log
 * position is not committed until the batch is stored. A record that can never be stored (unreadable,
 * refused by the database's constraints, or failing alone again and again in a way nobody classified while
 * the database answers other statements; {@link PoisonRecords} judges) goes to the dead-letter topic with its
 * reason instead of blocking its partition for ever. Stopping lets the batch in hand finish first.
 *
 * <p>A lifecycle bean: it consumes only while its application context runs, so a stopped (or, in tests, paused)
 * context leaves the consumer group instead of keeping partitions it can no longer store; a restarted one
 * joins again.
 */
public final class Persister implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Persister.class);

    /** Stored batches that may wait for their log position to be committed while the next one is stored. */
    static final int UNCOMMITTED_BATCHES = 2;

    private final ClaimStream stream;
    private final PersistenceScripts scripts;
    private final PoisonRecords poison;
    private final ClaimStorage storage;
    private final String keyPrefix;
    private final RushMetrics metrics;
    private final ObservationRegistry observations;
    private Sinks.Empty<Void> stopping = Sinks.empty();
    private Disposable running;
    private Mono<Void> finished = Mono.empty();

    /**
     * @param databaseAnswers completes when the database answers a trivial statement: tells a record's own fault
     *                        (the database answers, yet the record fails) from the database's (it does not)
     */
    public Persister(ClaimStream stream, List<ClaimSink> sinks, PersistenceScripts scripts, TransactionalOperator transaction,
            ClaimPublisher deadLetters, ClaimCodec codec, String keyPrefix, Mono<Void> databaseAnswers) {
        this(stream, sinks, scripts, transaction, deadLetters, codec, keyPrefix, databaseAnswers, RushMetrics.NONE);
    }

    public Persister(ClaimStream stream, List<ClaimSink> sinks, PersistenceScripts scripts, TransactionalOperator transaction,
            ClaimPublisher deadLetters, ClaimCodec codec, String keyPrefix, Mono<Void> databaseAnswers, RushMetrics metrics) {
        this(stream, sinks, scripts, transaction, deadLetters, codec, keyPrefix, databaseAnswers, metrics, ObservationRegistry.NOOP);
    }

    /** @param observations where the batch's spans go when tracing is on (NOOP when it is off) */
    public Persister(ClaimStream stream, List<ClaimSink> sinks, PersistenceScripts scripts, TransactionalOperator transaction,
            ClaimPublisher deadLetters, ClaimCodec codec, String keyPrefix, Mono<Void> databaseAnswers, RushMetrics metrics,
            ObservationRegistry observations) {
        this.observations = observations;
        this.stream = stream;
        this.scripts = scripts;
        this.poison = new PoisonRecords(deadLetters, codec, databaseAnswers);
        this.storage = new ClaimStorage(sinks, transaction, poison);
        this.keyPrefix = keyPrefix;
        this.metrics = metrics;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        stopping = Sinks.empty();
        Sinks.Empty<Void> done = Sinks.empty();
        finished = done.asMono();
        running = stream.batches()
                .takeUntilOther(stopping.asMono())
                .concatMap(this::storeBatch, 1)
                .concatMap(this::commitAndClear, UNCOMMITTED_BATCHES)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("claim stream failed, resubscribing: {}", signal.failure().toString())))
                .doFinally(signal -> done.tryEmitEmpty())
                .subscribe(stored -> { }, failure -> log.error("persister stopped", failure));
    }

    /** Lets the batch in hand be stored and committed, then stops consuming. */
    @Override
    public synchronized void stop() {
        stopping.tryEmitEmpty();
        try {
            finished.block(Duration.ofSeconds(15));
        } catch (RuntimeException timedOut) {
            log.warn("persister did not finish its batch in time; it will be delivered again");
        }
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    /**
     * Started before and stopped after the web server (whose graceful shutdown runs at DEFAULT_PHASE - 2048):
     * the service stops taking claims first, then the persister finishes its batch.
     */
    @Override
    public int getPhase() {
        return PeriodicPass.BACKGROUND_PHASE;
    }

    /** Records set aside on the dead-letter topic since start. */
    long deadLettered() {
        return poison.setAside();
    }

    /** Stores a batch (its poison records set aside first) and emits it once stored, for its commit. */
    private Mono<StoredBatch> storeBatch(ClaimStream.Batch batch) {
        Map<PoolKeys, List<ClaimRecorded>> byScope = batch.claims().stream()
                .collect(Collectors.groupingBy(claim -> new PoolKeys(keyPrefix, claim.poolRef().scopeRef())));
        Mono<Void> stored = poison.setAside(batch.rejected())
                .retryWhen(retryForever("setting aside " + batch.rejected().size() + " records"))
                .then(store(byScope).retryWhen(retryForever("storing " + batch.claims().size() + " claims")));
        return metrics.timePersisterBatch(batch.claims().size(), traced(batch, stored))
                .doOnSuccess(done -> log.atDebug().addKeyValue(ClaimLogs.CLAIM_IDS, () -> ClaimLogs.ids(batch.claims()))
                        .log("stored a batch of {} claims", batch.claims().size()))
                .thenReturn(new StoredBatch(batch, byScope));
    }

    /**
     * Storing the batch, as a span in the trace of each grab in it whose record carried a trace context
     * (a child of that grab's Kafka send). Records without one (tracing off) cost nothing here.
     */
    private Mono<Void> traced(ClaimStream.Batch batch, Mono<Void> store) {
        if (batch.traceContexts().isEmpty() || observations.isNoop()) {
            return store;
        }
        return Mono.defer(() -> {
            List<Observation> spans = batch.traceContexts().stream().map(headers -> {
                ReceiverContext<Map<String, String>> context = new ReceiverContext<>(Map::get);
                context.setCarrier(headers);
                context.setRemoteServiceName("kafka");
                return Observation.createNotStarted("fairrush.persister.store", () -> context, observations)
                        .contextualName("store claim batch")
                        .highCardinalityKeyValue("fairrush.batch.claims", Integer.toString(batch.claims().size()))
                        .start();
            }).toList();
            return store.doOnError(failure -> spans.forEach(span -> span.error(failure)))
                    .doFinally(signal -> spans.forEach(Observation::stop));
        });
    }

    private Mono<Void> commitAndClear(StoredBatch stored) {
        return stored.batch().commit().then(clear(stored.byScope()));
    }

    private record StoredBatch(ClaimStream.Batch batch, Map<PoolKeys, List<ClaimRecorded>> byScope) {
    }

    private static Retry retryForever(String what) {
        return Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(10))
                .doBeforeRetry(signal -> log.warn("{} failed, retrying: {}", what, signal.failure().toString()));
    }

    /** Takes the claims over in Redis (reversed ones are not kept), then stores the ones kept. */
    private Mono<Void> store(Map<PoolKeys, List<ClaimRecorded>> byScope) {
        return Flux.fromIterable(byScope.entrySet())
                .concatMap(scope -> scripts.confirm(scope.getKey(), scope.getValue()))
                .flatMapIterable(Function.identity())
                .collectList()
                .flatMap(storage::store);
    }

    private Mono<Void> clear(Map<PoolKeys, List<ClaimRecorded>> byScope) {
        return Flux.fromIterable(byScope.entrySet())
                .concatMap(scope -> scripts.clear(scope.getKey(), scope.getValue()))
                .then()
                .retryWhen(Retry.backoff(5, Duration.ofMillis(100)))
                // Left pending, the stored claims are cleared by StrandedClaims' next pass (the sweeper republishes only
                // claims Kafka never acknowledged, and these were).
                .onErrorResume(failure -> Mono.fromRunnable(() -> log.warn("clearing pending claims failed: {}", failure.toString())));
    }
}
