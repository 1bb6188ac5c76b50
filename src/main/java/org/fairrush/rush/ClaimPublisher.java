package org.fairrush.rush;

import reactor.core.publisher.Mono;

/**
 * Port: hands a claim event to the durable log. Completes only once the log has acknowledged the
 * event (Kafka: acks=all on an idempotent producer); fails otherwise. One of the two classes that know
 * the Kafka client library (docs/design.md section 10).
 */
public interface ClaimPublisher {

    Mono<Void> publish(ClaimRecorded claim);

    /**
     * {@link #publish(ClaimRecorded)} for a claim whose JSON is at hand already: {@code json} is the claim as
     * {@link ClaimCodec} reads it, the record claim.lua stored in Redis, and the log is sent it as it is rather than a
     * copy written again (issue 13: the second write was 1.1 % of a grab). A publisher that writes its own may ignore it.
     */
    default Mono<Void> publish(ClaimRecorded claim, String json) {
        return publish(claim);
    }

    /** Sets a record aside on the dead-letter topic; completes once the log acknowledged it. */
    Mono<Void> deadLetter(DeadLetter letter);
}
