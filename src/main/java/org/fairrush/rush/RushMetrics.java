package org.fairrush.rush;

import reactor.core.publisher.Mono;

/**
 * Port: what the engine tells the operators about itself. The engine calls these hooks at the points that
 * matter on sale day (a claim's outcome, the claim script, the Kafka send, a persisted batch); ops records
 * them as metrics. The engine works unchanged without it ({@link #NONE}).
 */
public interface RushMetrics {

    /** One claim attempt ended with this outcome (a value of {@link ClaimOutcome}), on a pool of {@code kind}. */
    void claimed(String kind, ClaimOutcome outcome);

    /** One claim attempt failed technically (Redis unreachable and the like). */
    void claimFailed(String kind, Throwable failure);

    /** Wraps one run of the claim script, to time it. */
    <T> Mono<T> timeClaimScript(Mono<T> call);

    /** Wraps one send of a claim event until Kafka acknowledged it, to time it. */
    <T> Mono<T> timeKafkaSend(Mono<T> send);

    /** Wraps the storing of one batch of {@code claims} events (including its retries), to time and count it. */
    <T> Mono<T> timePersisterBatch(int claims, Mono<T> batch);

    RushMetrics NONE = new RushMetrics() {

        @Override
        public void claimed(String kind, ClaimOutcome outcome) {
        }

        @Override
        public void claimFailed(String kind, Throwable failure) {
        }

        @Override
        public <T> Mono<T> timeClaimScript(Mono<T> call) {
            return call;
        }

        @Override
        public <T> Mono<T> timeKafkaSend(Mono<T> send) {
            return send;
        }

        @Override
        public <T> Mono<T> timePersisterBatch(int claims, Mono<T> batch) {
            return batch;
        }
    };
}
