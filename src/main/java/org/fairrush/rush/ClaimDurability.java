package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;

import org.fairrush.rush.ClaimOutcome.Busy;
import org.fairrush.rush.lua.Acknowledgements;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.ReleaseScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The second half of a claim (docs/design.md sections 1 and 2, section 11 note 1): the claim the script recorded goes
 * to Kafka, and its outcome is answered only once Kafka acknowledged it. A claim Kafka did not take in time is reversed
 * in Redis and answered {@link Busy}, unless the persister took it over meanwhile (then the event reached Kafka after
 * all and the outcome stands). On a pool with a waiting list (a first-come fair's category) it is not reversed but left
 * pending, its unit and place kept, for the sweeper to publish (section 11, note 45): a unit given back there would sit
 * free while others wait, or go to whoever asks next, ahead of the waiting list.
 *
 * <p>A part of {@link Claims}, which runs the claim script and hands each recorded claim here. It logs under Claims'
 * name: the claim path has one logger for operators to turn up (docs/operations.md), whichever class writes the line.
 */
final class ClaimDurability {

    private static final Logger log = LoggerFactory.getLogger(Claims.class);

    private final ReleaseScript releaseScript;
    private final Acknowledgements acknowledgements;
    private final ClaimPublisher publisher;
    private final SoldOutBoard soldOut;
    private final Clock clock;
    private final Duration sendTimeout;
    private final RushMetrics metrics;

    ClaimDurability(ReleaseScript releaseScript, Acknowledgements acknowledgements, ClaimPublisher publisher, SoldOutBoard soldOut,
            Clock clock, Duration sendTimeout, RushMetrics metrics) {
        this.releaseScript = releaseScript;
        this.acknowledgements = acknowledgements;
        this.publisher = publisher;
        this.soldOut = soldOut;
        this.clock = clock;
        this.sendTimeout = sendTimeout;
        this.metrics = metrics;
    }

    /**
     * {@code outcome} once Kafka acknowledged {@code claim}; {@link Busy} once the claim it did not take is reversed, or,
     * on a pool with a waiting list ({@code waitlist}), left pending for the sweeper.
     */
    Mono<ClaimOutcome> makeDurable(PoolKeys keys, ClaimRecorded claim, String idempotencyKey, ClaimOutcome outcome, boolean waitlist) {
        return metrics.timeKafkaSend(publisher.publish(claim).timeout(sendTimeout))
                .then(markAcknowledged(keys, claim))
                .doOnSuccess(acknowledged -> {
                    // On every grab: nothing is built unless the line is wanted.
                    if (log.isDebugEnabled()) {
                        log.atDebug().addKeyValue(ClaimLogs.CLAIM_ID, claim.eventId().toString())
                                .log("claim of {} acknowledged by Kafka", claim.poolRef().scopeTag());
                    }
                })
                .thenReturn(outcome)
                .onErrorResume(failure -> waitlist ? leavePending(claim, failure) : reverse(keys, claim, idempotencyKey, outcome, failure));
    }

    /**
     * The claim stays as the script recorded it: pending, in the index of claims not yet in Kafka, which the sweeper
     * publishes from ({@code fairrush.rush.sweep-after}); a retry with the same key is answered in progress until then,
     * and then as the claim.
     */
    private Mono<ClaimOutcome> leavePending(ClaimRecorded claim, Throwable failure) {
        log.atWarn().addKeyValue(ClaimLogs.CLAIM_ID, claim.eventId().toString())
                .log("claim {} not acknowledged by Kafka ({}), left pending for the sweeper: its pool has a waiting list",
                        claim.eventId(), failure.toString());
        return Mono.just(new Busy("the claim is recorded and still being stored; ask again with the same Idempotency-Key"));
    }

    /**
     * Kafka holds the event: from now on the claim is durable, so a replay of it may be answered 201 and it
     * can no longer be reversed. If Redis fails here the claim still stands; a replay then waits for the
     * persister. The marks of claims acknowledged together go to Redis in one call ({@link Acknowledgements}).
     */
    private Mono<Void> markAcknowledged(PoolKeys keys, ClaimRecorded claim) {
        return acknowledgements.acknowledge(keys, claim.eventId().toString())
                .onErrorResume(failure -> Mono.fromRunnable(() ->
                        log.warn("could not mark claim {} acknowledged: {}", claim.eventId(), failure.toString())));
    }

    private Mono<ClaimOutcome> reverse(PoolKeys keys, ClaimRecorded claim, String idempotencyKey, ClaimOutcome outcome,
            Throwable failure) {
        log.atWarn().addKeyValue(ClaimLogs.CLAIM_ID, claim.eventId().toString())
                .log("claim {} not acknowledged by Kafka ({}), reversing it", claim.eventId(), failure.toString());
        return releaseScript.run(keys, claim, idempotencyKey, clock.instant()).flatMap(result -> switch (result) {
            // A bucket's unit is back: the whole stock (the board knows it by its bucket 0) has one again.
            case REVERSED -> (claim.waiting() ? Mono.<Void>empty() : soldOut.markRestocked(keys.ref().bucket() > 0 ? keys.ref().inBucket(0) : keys.ref()))
                    .thenReturn((ClaimOutcome) new Busy("the claim could not be stored right now"));
            // Already taken over or stored by the persister: the event reached Kafka after all.
            case DURABLE, UNKNOWN -> Mono.just(outcome);
        });
    }
}
