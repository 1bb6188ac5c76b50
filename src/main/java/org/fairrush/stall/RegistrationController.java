package org.fairrush.stall;

import java.time.Duration;
import java.util.UUID;

import jakarta.validation.Valid;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.stall.FairRequests.NewRegistration;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Merchants registering for stalls and cancelling (MERCHANT, or ADMIN), and the lists of registrations. */
@RestController
@RequestMapping("/api/v1")
class RegistrationController {

    static final String CSV = "text/csv";

    private final Fairs fairs;
    private final Registering registering;
    private final Cancelling cancelling;
    private final Registrations registrations;

    RegistrationController(Fairs fairs, Registering registering, Cancelling cancelling, Registrations registrations) {
        this.fairs = fairs;
        this.registering = registering;
        this.cancelling = cancelling;
        this.registrations = registrations;
    }

    /**
     * Registers for a stall of a category. Idempotency-Key is required: a retry with the same key returns
     * the same registration (header Idempotent-Replayed: true) and never a second one.
     */
    @PostMapping("/fairs/{id}/registrations")
    Mono<ResponseEntity<RegistrationView>> register(@PathVariable long id, @Valid @RequestBody NewRegistration request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, Authentication caller) {
        String key = Caller.requireIdempotencyKey(idempotencyKey);
        if (request.sellsAtSpecialOffer().isEmpty()) {
            return Mono.error(FairRequests.invalid("specialOffer", "must be true, false or the offer's text"));
        }
        return registering.register(id, Caller.of(caller).id(), key, request).map(outcome -> {
            if (outcome instanceof Registering.Registered registered) {
                return ResponseEntity.status(HttpStatus.CREATED)
                        .header("Location", "/api/v1/fairs/" + id + "/registrations/" + registered.registration().registrationId())
                        .header("Idempotent-Replayed", Boolean.toString(registered.replayed()))
                        .body(registered.registration());
            }
            if (outcome instanceof Registering.UnknownCategory unknown) {
                throw FairRequests.invalid("category", "this fair has no category " + unknown.category());
            }
            if (outcome instanceof Registering.Refused refused) {
                throw refusal(refused.reason());
            }
            if (outcome instanceof Registering.Busy busy) {
                throw ApiProblem.retryLater(ErrorCode.BUSY, busy.why(), Duration.ofSeconds(1));
            }
            throw FairController.notFound(id);
        });
    }

    @GetMapping("/fairs/{id}/registrations/{registrationId}")
    Mono<RegistrationView> get(@PathVariable long id, @PathVariable UUID registrationId, Authentication authentication) {
        Caller caller = Caller.of(authentication);
        return fairs.find(id)
                .switchIfEmpty(Mono.error(() -> FairController.notFound(id)))
                .flatMap(fair -> registrations.find(id, registrationId)
                        .flatMap(registration -> caller.admin() || registration.merchantId().equals(caller.id())
                                ? registrations.view(fair, registration)
                                : Mono.error(RegistrationController::notYours)))
                .switchIfEmpty(Mono.error(() -> registrationNotFound(registrationId)));
    }

    /** Cancels a registration (204); its stall goes at once to the first merchant waiting in the category. */
    @DeleteMapping("/fairs/{id}/registrations/{registrationId}")
    Mono<ResponseEntity<Void>> cancel(@PathVariable long id, @PathVariable UUID registrationId, Authentication authentication) {
        Caller caller = Caller.of(authentication);
        return cancelling.cancel(id, registrationId, caller.id(), caller.admin()).map(outcome -> {
            if (outcome instanceof Cancelling.Cancelled) {
                return ResponseEntity.noContent().<Void>build();
            }
            if (outcome instanceof Cancelling.NotYours) {
                throw notYours();
            }
            if (outcome instanceof Cancelling.Busy busy) {
                throw ApiProblem.retryLater(ErrorCode.BUSY, busy.why(), Duration.ofSeconds(1));
            }
            throw registrationNotFound(registrationId);
        });
    }

    /** A fair's registrations for the organisers (ADMIN), as JSON. */
    @GetMapping(value = "/fairs/{id}/registrations", produces = MediaType.APPLICATION_JSON_VALUE)
    Flux<RegistrationView> ofFair(@PathVariable long id) {
        return fairs.find(id).switchIfEmpty(Mono.error(() -> FairController.notFound(id))).flatMapMany(registrations::ofFair);
    }

    /** The same list as CSV ({@code Accept: text/csv}), e.g. for the organisers' spreadsheet. */
    @GetMapping(value = "/fairs/{id}/registrations", produces = CSV)
    Mono<ResponseEntity<String>> ofFairAsCsv(@PathVariable long id) {
        return fairs.find(id).switchIfEmpty(Mono.error(() -> FairController.notFound(id)))
                .flatMap(fair -> registrations.ofFair(fair).collectList())
                .map(list -> ResponseEntity.ok()
                        .header(HttpHeaders.CONTENT_TYPE, CSV + ";charset=UTF-8")
                        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"fair-" + id + "-registrations.csv\"")
                        .body(RegistrationCsv.of(list)));
    }

    @GetMapping("/me/registrations")
    Flux<RegistrationView> mine(Authentication caller) {
        return registrations.ofMerchant(Caller.of(caller).id());
    }

    private static ApiProblem refusal(Refusal reason) {
        return switch (reason) {
            case LIMIT_REACHED -> ApiProblem.of(ErrorCode.ALREADY_REGISTERED, "You are registered at this fair already");
            case NOT_STARTED -> ApiProblem.of(ErrorCode.REGISTRATION_CLOSED, "Registration has not opened yet");
            case ENDED -> ApiProblem.of(ErrorCode.REGISTRATION_CLOSED, "Registration has closed");
            case PAUSED -> ApiProblem.of(ErrorCode.PAUSED, "The organisers paused registration; try again later");
            case SOLD_OUT -> ApiProblem.of(ErrorCode.SOLD_OUT, "No stall left in this category");
            case UNKNOWN_POOL -> ApiProblem.retryLater(ErrorCode.BUSY, "This fair's stalls are being restored", Duration.ofSeconds(5));
            case IN_PROGRESS -> ApiProblem.retryLater(ErrorCode.REQUEST_IN_PROGRESS,
                    "Your earlier registration with this Idempotency-Key is still being stored; ask again with the same key", Duration.ofSeconds(1));
        };
    }

    private static ApiProblem registrationNotFound(UUID registrationId) {
        return ApiProblem.of(ErrorCode.NOT_FOUND, "No registration " + registrationId + " at this fair");
    }

    private static ApiProblem notYours() {
        return ApiProblem.of(ErrorCode.FORBIDDEN, "Only the merchant who registered, or an admin, may see or cancel a registration");
    }
}
