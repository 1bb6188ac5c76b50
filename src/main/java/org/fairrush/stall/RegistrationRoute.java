package org.fairrush.stall;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.validation.Validator;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.stall.FairRequests.NewRegistration;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.Refusals;
import org.fairrush.web.Refusals.Answer;
import org.fairrush.web.RushRoute;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a stall registration answers, whichever way it came: through the annotated route
 * ({@link RegistrationController#register}, the documented one) or the lean rush path that merchants' apps take (web's
 * {@code LeanRushPath}, issue 15's stall rush through the fleet). A registration taken (a stall, or a place on the
 * waiting list) is 201 with the registration, a refusal a problem. The lean path answers only a body this route reads
 * as the annotated one would accept it (the same JSON mapper, the same bean validation, the same {@code specialOffer}
 * rule); any other body takes the full path and its exact problem.
 */
@Component
class RegistrationRoute implements RushRoute {

    static final String PATH = "/api/v1/fairs/{id}/registrations";

    private final Registering registering;
    private final JsonMapper json;
    private final Validator validator;

    RegistrationRoute(Registering registering, JsonMapper json, Validator validator) {
        this.registering = registering;
        this.json = json;
        this.validator = validator;
    }

    @Override
    public String pathPattern() {
        return PATH;
    }

    @Override
    public String role() {
        return Caller.MERCHANT;
    }

    @Override
    public boolean takesBody() {
        return true;
    }

    @Override
    public Optional<Object> readBody(byte[] body) {
        NewRegistration request;
        try {
            request = json.readValue(body, NewRegistration.class);
        } catch (JacksonException | IllegalArgumentException unreadable) {
            return Optional.empty();
        }
        if (request == null || !validator.validate(request).isEmpty() || request.sellsAtSpecialOffer().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(request);
    }

    @Override
    public Mono<Void> answer(ServerWebExchange exchange, long id, Caller caller, Object body) {
        String key = Caller.requireIdempotencyKey(exchange.getRequest().getHeaders().getFirst("Idempotency-Key"));
        return register(id, caller.id(), key, (NewRegistration) body).flatMap(answer -> RushRoute.writeJson(
                exchange, answer.getStatusCode(), headers -> headers.addAll(answer.getHeaders()), json.writeValueAsBytes(answer.getBody())));
    }

    /** The registration's answer (201 with Location and {@value Caller#IDEMPOTENT_REPLAYED}), or an {@link ApiProblem} for a refusal. */
    Mono<ResponseEntity<RegistrationView>> register(long id, String merchantId, String idempotencyKey, NewRegistration request) {
        if (request.sellsAtSpecialOffer().isEmpty()) {
            return Mono.error(FairRequests.invalid("specialOffer", "must be true, false or the offer's text"));
        }
        return registering.register(id, merchantId, idempotencyKey, request).map(outcome -> {
            if (outcome instanceof Registering.Registered registered) {
                return ResponseEntity.status(HttpStatus.CREATED)
                        .header(HttpHeaders.LOCATION, "/api/v1/fairs/" + id + "/registrations/" + registered.registration().registrationId())
                        .header(Caller.IDEMPOTENT_REPLAYED, Boolean.toString(registered.replayed()))
                        .body(registered.registration());
            }
            if (outcome instanceof Registering.UnknownCategory unknown) {
                throw FairRequests.invalid("category", "this fair has no category " + unknown.category());
            }
            if (outcome instanceof Registering.Refused refused) {
                throw REFUSALS.problem(refused.reason());
            }
            if (outcome instanceof Registering.Busy busy) {
                throw Refusals.busy(busy.why());
            }
            throw FairController.notFound(id);
        });
    }

    private static final Refusals REFUSALS = Refusals.answering(Map.of(
            Refusal.LIMIT_REACHED, new Answer(ErrorCode.ALREADY_REGISTERED, "You are registered at this fair already"),
            Refusal.NOT_STARTED, new Answer(ErrorCode.REGISTRATION_CLOSED, "Registration has not opened yet"),
            Refusal.ENDED, new Answer(ErrorCode.REGISTRATION_CLOSED, "Registration has closed"),
            Refusal.PAUSED, new Answer(ErrorCode.PAUSED, "The organisers paused registration; try again later"),
            Refusal.SOLD_OUT, new Answer(ErrorCode.SOLD_OUT, "No stall left in this category"),
            Refusal.UNKNOWN_POOL, new Answer(ErrorCode.BUSY, "This fair's stalls are being restored"),
            Refusal.IN_PROGRESS, new Answer(ErrorCode.REQUEST_IN_PROGRESS,
                    "Your earlier registration with this Idempotency-Key is still being stored; ask again with the same key")),
            // A fair's pools have no daily quota.
            Set.of(Refusal.DAILY_SOLD_OUT, Refusal.DAILY_LIMIT_REACHED));
}
