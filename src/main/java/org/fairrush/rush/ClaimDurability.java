package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

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
 * all and the outcome stands). On a pool with a waiting list (a first-come fair's category) it is never reversed, its
 * unit and place kept (section 11, note 45): a unit given back there would sit free while others wait, or go to whoever
 * asks next, ahead of the waiting list.
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
    /** A send's deadline: each subscription sets its own, so one Mono serves every send. */
    private final Mono<Long> sendDeadline;
    /** What a send that passed its deadline fails with (Mono.timeout's own message would not name the time). */
    private final Mono<Void> notAcknowledgedInTime;

    ClaimDurability(ReleaseScript releaseScript, Acknowledgements acknowledgements, ClaimPublisher publisher, SoldOutBoard soldOut,
            Clock clock, Duration sendTimeout, RushMetrics metrics) {
        this.releaseScript = releaseScript;
        this.acknowledgements = acknowledgements;
        this.publisher = publisher;
        this.soldOut = soldOut;
        this.clock = clock;
        this.sendTimeout = sendTimeout;
        this.metrics = metrics;
        this.sendDeadline = SendDeadlines.after(sendTimeout);
        this.notAcknowledgedInTime = Mono.error(() -> new TimeoutException("Kafka did not acknowledge the claim within " + sendTimeout));
    }

    /**
     * {@code outcome} once Kafka acknowledged {@code claim}; {@link Busy} once the claim it did not take in time is
     * reversed, or, on a pool with a waiting list ({@code waitlist}), kept: acknowledged late, or swept.
     *
     * @param json the claim's JSON as the claim script recorded it, sent to Kafka as it is
     */
    Mono<ClaimOutcome> makeDurable(PoolKeys keys, ClaimRecorded claim, String json, String idempotencyKey, ClaimOutcome outcome,
            boolean waitlist) {
        if (waitlist) {
            return keptDurable(keys, claim, json, outcome);
        }
        return metrics.timeKafkaSend(publisher.publish(claim, json).timeout(sendDeadline, notAcknowledgedInTime))
                .then(markAcknowledged(keys, claim))
                .doOnSuccess(acknowledged -> logAcknowledged(claim))
                .thenReturn(outcome)
                .onErrorResume(failure -> reverse(keys, claim, idempotencyKey, outcome, failure));
    }

    /**
     * A claim of a pool with a waiting list is never reversed (section 11, note 45): the answer waits for Kafka up to
     * the send timeout, but the send itself goes on past it, and once Kafka acknowledges it the claim is marked so, late,
     * and a retry with the same key is answered the claim; until then a retry is in progress. Should Kafka refuse it
     * or never answer, it stays pending, in the index of claims not yet in Kafka, for the sweeper to publish
     * ({@code fairrush.rush.sweep-after}).
     */
    private Mono<ClaimOutcome> keptDurable(PoolKeys keys, ClaimRecorded claim, String json, ClaimOutcome outcome) {
        return Mono.deferContextual(context -> {
            CompletableFuture<Void> durable = metrics.timeKafkaSend(publisher.publish(claim, json))
                    .then(markAcknowledged(keys, claim))
                    .contextWrite(context)
                    .toFuture();
            return Mono.fromFuture(durable, true)
                    .timeout(sendDeadline, notAcknowledgedInTime)
                    .doOnSuccess(acknowledged -> logAcknowledged(claim))
                    .thenReturn(outcome)
                    .onErrorResume(failure -> leftPending(claim, durable, failure));
        });
    }

    private Mono<ClaimOutcome> leftPending(ClaimRecorded claim, CompletableFuture<Void> durable, Throwable failure) {
        String claimId = claim.eventId().toString();
        log.atWarn().addKeyValue(ClaimLogs.CLAIM_ID, claimId)
                .log("claim {} not acknowledged by Kafka in time ({}); kept, as its pool has a waiting list", claimId, failure.toString());
        durable.whenComplete((acknowledged, refused) -> {
            if (refused == null) {
                log.atInfo().addKeyValue(ClaimLogs.CLAIM_ID, claimId).log("claim {} acknowledged by Kafka after its answer", claimId);
            } else {
                log.atWarn().addKeyValue(ClaimLogs.CLAIM_ID, claimId).log("claim {} left pending for the sweeper ({})", claimId, refused.toString());
            }
        });
        return Mono.just(new Busy("the claim is recorded and still being stored; ask again with the same Idempotency-Key"));
    }

    private static void logAcknowledged(ClaimRecorded claim) {
        // On every grab: nothing is built unless the line is wanted.
        if (log.isDebugEnabled()) {
            log.atDebug().addKeyValue(ClaimLogs.CLAIM_ID, claim.eventId().toString())
                    .log("claim of {} acknowledged by Kafka", claim.poolRef().scopeTag());
        }
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
