package org.fairrush.rush;

/** What became of one claim attempt. Refusals are values; only technical failures are errors. */
public sealed interface ClaimOutcome {

    /** The actor holds a unit now (or held it already: {@code replayed}); the claim is durable. */
    record Granted(ClaimRecorded claim, long remaining, boolean replayed) implements ClaimOutcome {
    }

    /** The pool is empty and has a waiting list: the actor waits at {@code position} (1 = next). */
    record Waitlisted(ClaimRecorded claim, long position, boolean replayed) implements ClaimOutcome {
    }

    record Refused(Refusal reason) implements ClaimOutcome {
    }

    /**
     * The claim could not be made durable right now (Kafka did not acknowledge it in time, or a replayed
     * claim is still on its way); nothing was taken, the caller may retry.
     */
    record Busy(String why) implements ClaimOutcome {
    }

    enum Refusal {
        SOLD_OUT, LIMIT_REACHED, NOT_STARTED, ENDED, PAUSED, UNKNOWN_POOL
    }
}
