package org.fairrush.rush;

import java.util.Optional;

/** What became of a transition of a waiting-list offer ({@link Offers}). */
public sealed interface OfferOutcome {

    /**
     * The transition happened and is durable (Kafka acknowledged it): now, or before ({@code again}, e.g. a retried
     * accept). {@code claim} is the claim as it is now; {@code offered} the waiting claim its unit was offered to.
     */
    record Changed(ClaimRecorded claim, Optional<ClaimRecorded> offered, boolean again) implements OfferOutcome {
    }

    /**
     * The offer's time had passed when it was accepted or declined: it expired in that step instead (durably), and
     * its unit went to the next in line ({@code offered}).
     */
    record Expired(ClaimRecorded claim, Optional<ClaimRecorded> offered) implements OfferOutcome {
    }

    /** The claim is no open offer (never offered, or accepted, declined, expired or cancelled before); as it is now. */
    record NotOffered(ClaimRecorded claim) implements OfferOutcome {
    }

    /** An expiry asked for before the offer's time, or while its pool is paused: nothing changed. */
    record NotDue() implements OfferOutcome {
    }

    /** No claim with this id in this pool. */
    record NotFound() implements OfferOutcome {
    }

    /**
     * The transition happened in Redis but Kafka has not acknowledged it yet; it waits in the scope's outbox and is
     * published again by the sweeper, the next change in the scope or a retry.
     */
    record Busy(String why) implements OfferOutcome {
    }
}
