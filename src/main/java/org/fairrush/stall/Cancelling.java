package org.fairrush.stall;

import java.util.UUID;

import org.fairrush.rush.ChangeOutbox;
import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.OfferOutcome;
import org.fairrush.rush.Offers;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.ReleaseOutcome;
import org.fairrush.stall.domain.Fair;
import org.fairrush.stall.domain.Registration;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A registration cancelled by its merchant or an admin. The engine releases the claim and, in the same
 * atomic step, hands the stall to the first merchant waiting in that category, or (a fair whose waiting list is
 * OFFER) offers it to them for the fair's hold time. Leaving the waiting list is a cancellation too: the others keep
 * their order.
 */
@Service
class Cancelling {

    private final Fairs fairs;
    private final Registrations registrations;
    private final ChangeOutbox outbox;
    private final Offers offers;

    Cancelling(Fairs fairs, Registrations registrations, ChangeOutbox outbox, Offers offers) {
        this.fairs = fairs;
        this.registrations = registrations;
        this.outbox = outbox;
        this.offers = offers;
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
                .flatMap(fair -> registrations.find(fairId, registrationId)
                        .flatMap(registration -> !admin && !registration.merchantId().equals(callerId) ? Mono.just((Outcome) new NotYours())
                                // Its release is stored and Redis forgot it (clear.lua, or the fair was retired): cancelled before.
                                : registration.released() ? Mono.just((Outcome) new Cancelled(null))
                                : release(fair, registration)))
                .defaultIfEmpty(new NotFound());
    }

    private Mono<Outcome> release(Fair fair, Registration registration) {
        PoolRef pool = Fairs.pool(fair.id(), registration.category());
        return fair.waitlist().offers()
                ? offers.release(pool, registration.id(), fair.waitlist().holdFor()).map(Cancelling::outcome)
                : outbox.release(pool, registration.id()).map(Cancelling::outcome);
    }

    private static Outcome outcome(OfferOutcome outcome) {
        if (outcome instanceof OfferOutcome.Changed changed) {
            return new Cancelled(changed.offered().map(claim -> claim.eventId()).orElse(null));
        }
        if (outcome instanceof OfferOutcome.Busy busy) {
            return new Busy(busy.why());
        }
        return new NotFound();
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
