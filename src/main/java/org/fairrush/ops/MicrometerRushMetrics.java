package org.fairrush.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.RushMetrics;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The engine's hooks as Micrometer meters (names as Prometheus shows them):
 * <ul>
 * <li>{@code fairrush_claims_total{kind,outcome}}: claim attempts by outcome (CREATED, REPLAYED, WAITLISTED,
 * SOLD_OUT, LIMIT_REACHED, NOT_STARTED, ENDED, PAUSED, UNKNOWN_POOL, BUSY, ERROR)</li>
 * <li>{@code fairrush_claim_script_seconds{result}}: the Lua claim script, round trip to Redis</li>
 * <li>{@code fairrush_kafka_send_seconds{result}}: a claim event until Kafka acknowledged it (acks=all)</li>
 * <li>{@code fairrush_persister_batch_claims}: claims per persisted batch;
 * {@code fairrush_persister_batch_seconds}: storing one batch, retries included;
 * {@code fairrush_persister_claims_total}: claims stored (the persister's throughput)</li>
 * </ul>
 * Tags take a handful of values each, so the series stay few whatever the traffic.
 */
final class MicrometerRushMetrics implements RushMetrics {

    static final String CLAIMS = "fairrush.claims";
    static final String CLAIM_SCRIPT = "fairrush.claim.script";
    static final String KAFKA_SEND = "fairrush.kafka.send";
    static final String BATCH_SIZE = "fairrush.persister.batch.claims";
    static final String BATCH_TIME = "fairrush.persister.batch";
    static final String PERSISTED = "fairrush.persister.claims";

    private final MeterRegistry registry;
    /** Meters by name and tags, so that the grab path does not build a meter id per call. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final DistributionSummary batchSize;
    private final Counter persisted;

    MicrometerRushMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder(BATCH_SIZE).description("Claims per persisted batch")
                .baseUnit("claims").publishPercentileHistogram().maximumExpectedValue(10_000.0).register(registry);
        this.persisted = Counter.builder(PERSISTED).description("Claims stored in Postgres by this persister").register(registry);
    }

    /** The outcome tag of a claim's answer. */
    static String outcome(ClaimOutcome outcome) {
        if (outcome instanceof ClaimOutcome.Granted granted) {
            return granted.replayed() ? "REPLAYED" : "CREATED";
        }
        if (outcome instanceof ClaimOutcome.Waitlisted waitlisted) {
            return waitlisted.replayed() ? "REPLAYED" : "WAITLISTED";
        }
        if (outcome instanceof ClaimOutcome.Refused refused) {
            return refused.reason().name();
        }
        return "BUSY";
    }

    @Override
    public void claimed(String kind, ClaimOutcome outcome) {
        counter(kind, outcome(outcome)).increment();
    }

    @Override
    public void claimFailed(String kind, Throwable failure) {
        counter(kind, "ERROR").increment();
    }

    Counter counter(String kind, String outcome) {
        return counters.computeIfAbsent(kind + '/' + outcome, key -> Counter.builder(CLAIMS)
                .description("Claim attempts (grabs, registrations) by outcome")
                .tag("kind", kind).tag("outcome", outcome).register(registry));
    }

    @Override
    public <T> Mono<T> timeClaimScript(Mono<T> call) {
        return timed(CLAIM_SCRIPT, "Claim script round trip to Redis", call);
    }

    @Override
    public <T> Mono<T> timeKafkaSend(Mono<T> send) {
        return timed(KAFKA_SEND, "Claim event sent until Kafka acknowledged it", send);
    }

    @Override
    public <T> Mono<T> timePersisterBatch(int claims, Mono<T> batch) {
        return Mono.defer(() -> {
            batchSize.record(claims);
            Timer.Sample sample = Timer.start(registry);
            return batch.doOnSuccess(done -> persisted.increment(claims))
                    .doFinally(signal -> sample.stop(timer(BATCH_TIME, "Storing one batch in Postgres, retries included",
                            result(signal, null))));
        });
    }

    private <T> Mono<T> timed(String name, String description, Mono<T> call) {
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(registry);
            Throwable[] failure = new Throwable[1];
            return call.doOnError(error -> failure[0] = error)
                    .doFinally(signal -> sample.stop(timer(name, description, result(signal, failure[0]))));
        });
    }

    private Timer timer(String name, String description, String result) {
        return timers.computeIfAbsent(name + '/' + result, key -> Timer.builder(name).description(description)
                .tag("result", result)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
    }

    private static String result(SignalType signal, Throwable failure) {
        if (signal == SignalType.ON_ERROR) {
            return failure instanceof TimeoutException ? "timeout" : "error";
        }
        return signal == SignalType.CANCEL ? "cancelled" : "ok";
    }
}
