package org.fairrush.stall;

import java.util.UUID;

import org.fairrush.rush.OfferOutcome;
import org.fairrush.rush.Offers;
import org.fairrush.rush.PoolRef;
import org.fairrush.stall.domain.Fair;
import org.fairrush.stall.domain.Registration;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A merchant answering the stall offered to them (a fair whose waiting list is OFFER): accepting confirms the stall;
 * declining passes it to the next in line. An answer after the offer's time expires the offer instead (the server's
 * clock decides), and the stall passes on as it would have at expiry.
 */
@Service
class AnsweringOffer {

    private final Fairs fairs;
    private final Registrations registrations;
    private final Offers offers;

    AnsweringOffer(Fairs fairs, Registrations registrations, Offers offers) {
        this.fairs = fairs;
        this.registrations = registrations;
        this.offers = offers;
    }

    enum Answer {
        ACCEPT, DECLINE
    }

    sealed interface Outcome {
    }

    /** Answered now or before (a retry); the registration as it is now. */
    record Answered(RegistrationView registration) implements Outcome {
    }

    /** The offer had expired; the registration as it is now (EXPIRED). */
    record Expired(RegistrationView registration) implements Outcome {
    }

    /** No open offer to answer: the registration as it is now (waiting, confirmed, cancelled, expired, or no offers at this fair). */
    record NotOpen(String status) implements Outcome {
    }

    record NotFound() implements Outcome {
    }

    record NotYours() implements Outcome {
    }

    record Busy(String why) implements Outcome {
    }

    Mono<Outcome> answer(long fairId, UUID registrationId, String merchantId, Answer answer) {
        return fairs.find(fairId)
                .flatMap(fair -> registrations.find(fairId, registrationId)
                        .flatMap(registration -> !registration.merchantId().equals(merchantId) ? Mono.just((Outcome) new NotYours())
                                : !fair.waitlist().offers() || registration.released() ? notOpen(fair, registration, answer)
                                : transition(fair, registration, answer).flatMap(outcome -> outcome(fair, outcome, answer))))
                .defaultIfEmpty(new NotFound());
    }

    private Mono<OfferOutcome> transition(Fair fair, Registration registration, Answer answer) {
        PoolRef pool = Fairs.pool(fair.id(), registration.category());
        return answer == Answer.ACCEPT ? offers.accept(pool, registration.id())
                : offers.decline(pool, registration.id(), fair.waitlist().holdFor());
    }

    private Mono<Outcome> outcome(Fair fair, OfferOutcome outcome, Answer answer) {
        if (outcome instanceof OfferOutcome.Changed changed) {
            return registrations.view(fair, Registration.of(changed.claim())).map(Answered::new);
        }
        if (outcome instanceof OfferOutcome.Expired expired) {
            return registrations.view(fair, Registration.of(expired.claim())).map(Expired::new);
        }
        if (outcome instanceof OfferOutcome.NotOffered notOffered) {
            return notOpen(fair, Registration.of(notOffered.claim()), answer);
        }
        if (outcome instanceof OfferOutcome.Busy busy) {
            return Mono.just(new Busy(busy.why()));
        }
        return Mono.just(new NotFound());
    }

    /** A registration with no open offer; declining a declined one again is answered as the first decline was. */
    private Mono<Outcome> notOpen(Fair fair, Registration registration, Answer answer) {
        return registrations.view(fair, registration).map(view -> {
            if (answer == Answer.DECLINE && Offers.DECLINED.equals(view.status())) {
                return new Answered(view);
            }
            return Offers.EXPIRED.equals(view.status()) ? new Expired(view) : new NotOpen(view.status());
        });
    }
}
