package org.fairrush.stall;

import java.util.Map;

import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.Claims;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.stall.FairRequests.NewRegistration;
import org.fairrush.stall.domain.Category;
import org.fairrush.stall.domain.Fair;
import org.fairrush.stall.domain.Registration;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A merchant registering for a stall: one claim on the category's pool of the fair's scope. The engine
 * checks the window and that the merchant holds nothing at the fair yet, and either pops a stall number
 * (CONFIRMED) or puts the claim on the category's waiting list (WAITLISTED; ENTERED for a lottery).
 */
@Service
class Registering {


    private final Fairs fairs;
    private final Claims claims;
    private final PoolRegistry poolRegistry;

    Registering(Fairs fairs, Claims claims, PoolRegistry poolRegistry) {
        this.fairs = fairs;
        this.claims = claims;
        this.poolRegistry = poolRegistry;
    }

    sealed interface Outcome {
    }

    record Registered(RegistrationView registration, boolean replayed) implements Outcome {
    }

    record NoSuchFair() implements Outcome {
    }

    record UnknownCategory(String category) implements Outcome {
    }

    record Refused(ClaimOutcome.Refusal reason) implements Outcome {
    }

    record Busy(String why) implements Outcome {
    }

    Mono<Outcome> register(long fairId, String merchantId, String idempotencyKey, NewRegistration request) {
        return fairs.find(fairId)
                .flatMap(fair -> fair.category(request.category())
                        .map(category -> claims.claim(Fairs.pool(fairId, category.code()), merchantId, idempotencyKey,
                                        attributes(request, category))
                                .map(outcome -> outcome(fair, closedIfRetired(fair, outcome))))
                        .orElseGet(() -> Mono.just(new UnknownCategory(request.category()))))
                .defaultIfEmpty(new NoSuchFair());
    }

    private static Map<String, String> attributes(NewRegistration request, Category category) {
        boolean specialOffer = request.sellsAtSpecialOffer().orElse(false);
        return attributes(request.merchantName(), specialOffer, category.feeFor(specialOffer));
    }

    /** What a registration's claim carries besides the engine's fields (read back by {@link Registration#of}). */
    static Map<String, String> attributes(String merchantName, boolean specialOffer, long feeCents) {
        return Map.of(Registration.MERCHANT_NAME, merchantName, Registration.SPECIAL_OFFER, Boolean.toString(specialOffer), Registration.FEE_CENTS,
                Long.toString(feeCents));
    }

    /**
     * A fair retired from Redis has no pools any more: a registration is answered as on any closed registration
     * window, not as pools being restored.
     */
    private ClaimOutcome closedIfRetired(Fair fair, ClaimOutcome outcome) {
        return outcome instanceof ClaimOutcome.Refused refused && refused.reason() == ClaimOutcome.Refusal.UNKNOWN_POOL
                && poolRegistry.pastRetention(Fairs.activeUntil(fair)) ? new ClaimOutcome.Refused(ClaimOutcome.Refusal.ENDED) : outcome;
    }

    /** Registrations are answered during the window, before any draw, so a lottery's waiting claim is an entry. */
    private static Outcome outcome(Fair fair, ClaimOutcome outcome) {
        if (outcome instanceof ClaimOutcome.Granted granted) {
            return new Registered(RegistrationView.of(Registration.of(granted.claim()), fair, false, 0), granted.replayed());
        }
        if (outcome instanceof ClaimOutcome.Waitlisted waitlisted) {
            return new Registered(RegistrationView.of(Registration.of(waitlisted.claim()), fair, false, waitlisted.position()),
                    waitlisted.replayed());
        }
        if (outcome instanceof ClaimOutcome.Refused refused) {
            return new Refused(refused.reason());
        }
        if (outcome instanceof ClaimOutcome.Busy busy) {
            return new Busy(busy.why());
        }
        throw new IllegalStateException("unexpected claim outcome " + outcome);
    }
}
