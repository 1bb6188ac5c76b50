package org.fairrush.rush;

import reactor.core.publisher.Mono;

/**
 * Port: hands a claim event to the durable log. Completes only once the log has acknowledged the
 * event (Kafka: acks=all on an idempotent producer); fails otherwise. One of the two classes that know
 * the Kafka client library (docs/design.md section 10).
 */
public interface ClaimPublisher {

    Mono<Void> publish(ClaimRecorded claim);

    /** Sets a record aside on the dead-letter topic; completes once the log acknowledged it. */
    Mono<Void> deadLetter(DeadLetter letter);
}
