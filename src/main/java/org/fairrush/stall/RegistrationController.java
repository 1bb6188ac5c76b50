package org.fairrush.stall;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import org.fairrush.stall.FairRequests.NewRegistration;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.Page;
import org.fairrush.web.ProblemCodes;
import org.fairrush.web.Refusals;
import org.fairrush.web.RequestExample;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Merchants registering for stalls and cancelling (MERCHANT, or ADMIN), and the lists of registrations. */
@RestController
@RequestMapping("/api/v1")
class RegistrationController {

    static final String CSV = "text/csv";
    static final String NOT_YET_LISTED = "X-Registrations-Not-Yet-Listed";
    static final int FAIR_PAGE = 500;
    static final int MAX_FAIR_PAGE = 1000;
    static final int MY_PAGE = 200;

    private final Fairs fairs;
    private final RegistrationRoute route;
    private final Cancelling cancelling;
    private final Registrations registrations;

    RegistrationController(Fairs fairs, RegistrationRoute route, Cancelling cancelling, Registrations registrations) {
        this.fairs = fairs;
        this.route = route;
        this.cancelling = cancelling;
        this.registrations = registrations;
    }

    /**
     * Registers for a stall of a category. Idempotency-Key is required: a retry with the same key returns
     * the same registration (header Idempotent-Replayed: true) and never a second one. Merchants' apps usually reach
     * {@link RegistrationRoute} by the lean rush path; both answer through it.
     */
    @ProblemCodes({ErrorCode.FAIR_NOT_FOUND, ErrorCode.ALREADY_REGISTERED, ErrorCode.REGISTRATION_CLOSED, ErrorCode.PAUSED,
            ErrorCode.SOLD_OUT, ErrorCode.REQUEST_IN_PROGRESS})
    @RequestExample("""
            {"category": "FOOD", "merchantName": "Noodles of the East Gate", "specialOffer": "10% off for members"}""")
    @PostMapping("/fairs/{id}/registrations")
    Mono<ResponseEntity<RegistrationView>> register(@PathVariable long id, @Valid @RequestBody NewRegistration request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, Authentication caller) {
        return route.register(id, Caller.of(caller).id(), Caller.requireIdempotencyKey(idempotencyKey), request);
    }

    @ProblemCodes({ErrorCode.FAIR_NOT_FOUND, ErrorCode.NOT_FOUND})
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
    @ProblemCodes(ErrorCode.NOT_FOUND)
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
                throw Refusals.busy(busy.why());
            }
            throw registrationNotFound(registrationId);
        });
    }

    /**
     * A fair's registrations for the organisers (ADMIN), as JSON, by category and time of registration, a page at a
     * time ({@code limit} default 500, up to 1000; {@code cursor}). Each row is shown in its live state; header
     * {@value #NOT_YET_LISTED} counts registrations made a moment ago that are still being stored and not listed yet.
     */
    @ProblemCodes(ErrorCode.FAIR_NOT_FOUND)
    @GetMapping(value = "/fairs/{id}/registrations", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<List<RegistrationView>>> ofFair(@PathVariable long id, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, ServerHttpRequest request) {
        Page page = Page.of(limit, cursor, FAIR_PAGE, MAX_FAIR_PAGE, 3);
        var after = page.after().map(key -> new RegistrationRepository.FairOrder(page.value(0, String::valueOf),
                page.value(1, Instant::parse), page.value(2, UUID::fromString)));
        return fairs.find(id).switchIfEmpty(Mono.error(() -> FairController.notFound(id)))
                .flatMap(fair -> Mono.zip(registrations.ofFair(fair, after, page.limit() + 1), registrations.notYetListed(fair)))
                .map(both -> {
                    ResponseEntity<List<RegistrationView>> answer = page.answer(request, both.getT1(), view -> {
                        var order = Registrations.order(view);
                        return List.of(order.category(), order.registeredAt().toString(), order.id().toString());
                    });
                    return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                            .header(NOT_YET_LISTED, Long.toString(both.getT2())).body(answer.getBody());
                });
    }

    /**
     * Every registration of the fair as CSV ({@code Accept: text/csv}), e.g. for the organisers' spreadsheet, live as
     * the JSON list, streamed a page at a time as it is read (no page limit: it is an export).
     */
    @ProblemCodes(ErrorCode.FAIR_NOT_FOUND)
    @GetMapping(value = "/fairs/{id}/registrations", produces = CSV)
    Mono<ResponseEntity<Flux<String>>> ofFairAsCsv(@PathVariable long id) {
        return fairs.find(id).switchIfEmpty(Mono.error(() -> FairController.notFound(id)))
                .flatMap(fair -> registrations.notYetListed(fair).map(pending -> ResponseEntity.ok()
                        .header(HttpHeaders.CONTENT_TYPE, CSV + ";charset=UTF-8")
                        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"fair-" + id + "-registrations.csv\"")
                        .header(NOT_YET_LISTED, Long.toString(pending))
                        .body(Flux.concat(Mono.just(RegistrationCsv.header()), registrations.everyOfFair(fair).map(RegistrationCsv::line)))));
    }

    /** A merchant's own registrations, newest first, a page at a time ({@code limit} up to 200, the default; {@code cursor}). */
    @GetMapping("/me/registrations")
    Mono<ResponseEntity<List<RegistrationView>>> mine(Authentication caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, ServerHttpRequest request) {
        Page page = Page.of(limit, cursor, MY_PAGE, MY_PAGE, 2);
        var after = page.after().map(key -> Map.entry(page.value(0, Instant::parse), page.value(1, UUID::fromString)));
        return registrations.ofMerchant(Caller.of(caller).id(), after, page.limit() + 1)
                .map(list -> page.answer(request, list, view -> List.of(view.registeredAt().toString(), view.registrationId().toString())));
    }

    private static ApiProblem registrationNotFound(UUID registrationId) {
        return ApiProblem.of(ErrorCode.NOT_FOUND, "No registration " + registrationId + " at this fair");
    }

    private static ApiProblem notYours() {
        return ApiProblem.of(ErrorCode.FORBIDDEN, "Only the merchant who registered, or an admin, may see or cancel a registration");
    }
}
