package org.fairrush.rush;

import java.util.Optional;

/**
 * What became of releasing a claim ({@link ChangeOutbox#release}). {@link ClaimOutcome.Busy} when the release happened
 * in Redis but Kafka has not acknowledged the change yet: it stays in the outbox and is published again by the next
 * release in the scope or by a retry of this one.
 */
public sealed interface ReleaseOutcome permits ReleaseOutcome.Released, ReleaseOutcome.NotFound, ClaimOutcome.Busy {

    /**
     * The claim is released and the change is durable (Kafka acknowledged it). {@code promoted} is the
     * waiting claim that received the released unit; {@code again} when the claim had been released before.
     */
    record Released(ClaimRecorded released, Optional<ClaimRecorded> promoted, boolean again) implements ReleaseOutcome {
    }

    /** No releasable claim with this id in this pool. */
    record NotFound() implements ReleaseOutcome {
    }
}
