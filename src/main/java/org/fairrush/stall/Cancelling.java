package org.fairrush.stall;

import java.util.UUID;

import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ReleaseOutcome;
import org.fairrush.rush.ChangeOutbox;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A registration cancelled by its merchant or an admin. The engine releases the claim and, in the same
 * atomic step, hands the stall to the first merchant waiting in that category.
 */
@Service
class Cancelling {

    private final Fairs fairs;
    private final Registrations registrations;
    private final ChangeOutbox outbox;

    Cancelling(Fairs fairs, Registrations registrations, ChangeOutbox outbox) {
        this.fairs = fairs;
        this.registrations = registrations;
        this.outbox = outbox;
    }

    sealed interface Outcome {
    }

    /** Cancelled now or before; {@code promotedTo} is the registration that received the stall, if any. */
    record Cancelled(UUID promotedTo) implements Outcome {
    }

    record NotFound() implements Outcome {
    }

    record NotYours() implements Outcome {
    }

    record Busy(String why) implements Outcome {
    }

    Mono<Outcome> cancel(long fairId, UUID registrationId, String callerId, boolean admin) {
        return fairs.find(fairId)
                .flatMap(fair -> registrations.find(fairId, registrationId))
                .flatMap(registration -> !admin && !registration.merchantId().equals(callerId) ? Mono.just((Outcome) new NotYours())
                        // Its release is stored and Redis forgot it (clear.lua, or the fair was retired): cancelled before.
                        : registration.released() ? Mono.just((Outcome) new Cancelled(null))
                        : outbox.release(Fairs.pool(fairId, registration.category()), registrationId).map(Cancelling::outcome))
                .defaultIfEmpty(new NotFound());
    }

    private static Outcome outcome(ReleaseOutcome outcome) {
        if (outcome instanceof ReleaseOutcome.Released released) {
            return new Cancelled(released.promoted().map(claim -> claim.eventId()).orElse(null));
        }
        if (outcome instanceof ClaimOutcome.Busy busy) {
            return new Busy(busy.why());
        }
        return new NotFound();
    }
}
