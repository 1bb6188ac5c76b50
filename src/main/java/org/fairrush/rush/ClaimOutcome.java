package org.fairrush.rush;

/** What became of one claim attempt. Refusals are values; only technical failures are errors. */
public sealed interface ClaimOutcome {

    /** The actor holds a unit now (or held it already: {@code replayed}); the claim is durable. */
    record Granted(ClaimRecorded claim, long remaining, boolean replayed) implements ClaimOutcome {
    }

    /** The pool is empty and has a waiting list: the actor waits at {@code position} (1 = next). */
    record Waitlisted(ClaimRecorded claim, long position, boolean replayed) implements ClaimOutcome {
    }

    /** @param retryAt when the refusal stops holding, for refusals that end on their own (a day's quota); else null */
    record Refused(Refusal reason, java.time.Instant retryAt) implements ClaimOutcome {

        public Refused(Refusal reason) {
            this(reason, null);
        }
    }

    /**
     * The engine's one "busy": a claim or a release could not be made durable right now (Kafka did not acknowledge it
     * in time). A claim took nothing; a release stays in the outbox. The caller may retry.
     */
    record Busy(String why) implements ClaimOutcome, ReleaseOutcome {
    }

    enum Refusal {
        SOLD_OUT, LIMIT_REACHED, NOT_STARTED, ENDED, PAUSED, UNKNOWN_POOL,
        /** The pool's units of the day are gone ({@link DailyQuota}); the pool itself is not sold out. */
        DAILY_SOLD_OUT,
        /** The actor was granted as many as allowed today ({@link DailyQuota}). */
        DAILY_LIMIT_REACHED,
        /**
         * A retry of a claim whose first request is still on its way to Kafka (waiting for its acknowledgement, or
         * died and not yet republished by the sweeper). Nothing new is taken; asked again a moment later, the same
         * key answers the first claim. The IETF Idempotency-Key draft's answer for a key in use: 409.
         */
        IN_PROGRESS
    }
}
