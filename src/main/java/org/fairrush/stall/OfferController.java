package org.fairrush.stall;

import java.time.Duration;
import java.util.UUID;

import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.ProblemCodes;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A merchant's answer to a stall offered from the waiting list (a fair whose waiting list is OFFER), by the merchant
 * who registered. Both answers are idempotent: a retry answers the registration as it is.
 */
@RestController
@RequestMapping("/api/v1/fairs/{id}/registrations/{registrationId}")
class OfferController {

    private final AnsweringOffer answering;

    OfferController(AnsweringOffer answering) {
        this.answering = answering;
    }

    /** Accepts the offered stall: the registration is CONFIRMED with it. */
    @ProblemCodes({ErrorCode.NOT_FOUND, ErrorCode.OFFER_NOT_OPEN, ErrorCode.OFFER_EXPIRED})
    @PostMapping("/accept")
    Mono<RegistrationView> accept(@PathVariable long id, @PathVariable UUID registrationId, Authentication caller) {
        return answering.answer(id, registrationId, Caller.of(caller).id(), AnsweringOffer.Answer.ACCEPT)
                .map(outcome -> registration(outcome, registrationId));
    }

    /** Declines the offered stall: the registration is DECLINED and the stall is offered to the next in line. */
    @ProblemCodes({ErrorCode.NOT_FOUND, ErrorCode.OFFER_NOT_OPEN, ErrorCode.OFFER_EXPIRED})
    @PostMapping("/decline")
    Mono<RegistrationView> decline(@PathVariable long id, @PathVariable UUID registrationId, Authentication caller) {
        return answering.answer(id, registrationId, Caller.of(caller).id(), AnsweringOffer.Answer.DECLINE)
                .map(outcome -> registration(outcome, registrationId));
    }

    private static RegistrationView registration(AnsweringOffer.Outcome outcome, UUID registrationId) {
        if (outcome instanceof AnsweringOffer.Answered answered) {
            return answered.registration();
        }
        if (outcome instanceof AnsweringOffer.Expired) {
            throw ApiProblem.of(ErrorCode.OFFER_EXPIRED, "The offer's time has passed; the stall went to the next in line");
        }
        if (outcome instanceof AnsweringOffer.NotOpen notOpen) {
            throw ApiProblem.of(ErrorCode.OFFER_NOT_OPEN, "No stall is offered to this registration (it is " + notOpen.status() + ")");
        }
        if (outcome instanceof AnsweringOffer.NotYours) {
            throw ApiProblem.of(ErrorCode.FORBIDDEN, "Only the merchant who registered may answer an offer");
        }
        if (outcome instanceof AnsweringOffer.Busy busy) {
            throw ApiProblem.retryLater(ErrorCode.BUSY, busy.why(), Duration.ofSeconds(1));
        }
        throw ApiProblem.of(ErrorCode.NOT_FOUND, "No registration " + registrationId + " at this fair");
    }
}
