package org.fairrush.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where a failed request becomes an answer: RFC 9457 application/problem+json with a
 * stable {@code code} (see {@link ErrorCode}). Runs before Boot's own error handler, so handler
 * refusals, bad input, unknown routes, security refusals and our own failures all look alike.
 */
@Component
@Order(-2)
public class ProblemResponses implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    private final JsonMapper json;

    public ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(failure);
        }
        return write(exchange, toProblem(failure));
    }

    /** Writes a problem answer; also used by the security filters, which answer before any handler. */
    public Mono<Void> write(ServerWebExchange exchange, ApiProblem problem) {
        ErrorCode code = problem.code();
        ProblemDetail body = ProblemDetail.forStatusAndDetail(code.status(), problem.getMessage());
        body.setTitle(code.title());
        body.setType(URI.create("https://fairrush.org/problems/" + code.name().toLowerCase().replace('_', '-')));
        body.setInstance(URI.create(exchange.getRequest().getPath().value()));
        body.setProperty("code", code.name());
        problem.extra().forEach(body::setProperty);
        var response = exchange.getResponse();
        response.setStatusCode(code.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.retryAfter() != null) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, problem.retryAfter().toSeconds())));
        }
        byte[] bytes = json.writeValueAsBytes(body);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    ApiProblem toProblem(Throwable failure) {
        if (failure instanceof ApiProblem problem) {
            return problem;
        }
        if (failure instanceof WebExchangeBindException invalid) {
            // Bean validation reports a field's violations in no fixed order: sorted, the same request gets the same answer.
            return ApiProblem.invalid(invalid.getFieldErrors().stream()
                    .map(error -> new ApiProblem.InvalidField(error.getField(), String.valueOf(error.getDefaultMessage())))
                    .sorted(java.util.Comparator.comparing(ApiProblem.InvalidField::field).thenComparing(ApiProblem.InvalidField::message))
                    .toList());
        }
        if (failure instanceof UnsupportedMediaTypeStatusException) {
            return ApiProblem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json");
        }
        if (failure instanceof MethodNotAllowedException notAllowed) {
            return ApiProblem.of(ErrorCode.METHOD_NOT_ALLOWED, "Allowed: " + notAllowed.getSupportedMethods());
        }
        if (failure instanceof NotAcceptableStatusException) {
            return ApiProblem.of(ErrorCode.NOT_ACCEPTABLE, "This resource answers application/json");
        }
        if (causedBy(failure, DataBufferLimitException.class)) {
            return ApiProblem.of(ErrorCode.PAYLOAD_TOO_LARGE, "The request body exceeds the allowed size");
        }
        if (failure instanceof ServerWebInputException input) {
            return validation(inputDetail(input), fieldOf(input));
        }
        if (failure instanceof AuthenticationException) {
            return ApiProblem.of(ErrorCode.UNAUTHENTICATED, "Send a valid bearer token");
        }
        if (failure instanceof AccessDeniedException) {
            return ApiProblem.of(ErrorCode.FORBIDDEN, "Your role may not do this");
        }
        if (failure instanceof ResponseStatusException status && status.getStatusCode().value() == HttpStatus.NOT_FOUND.value()) {
            return ApiProblem.of(ErrorCode.NOT_FOUND, "No such resource");
        }
        if (failure instanceof ResponseStatusException status && status.getStatusCode().is4xxClientError()) {
            // A client's mistake the framework reports by status alone (found by the fuzzer: a 415 for a body of
            // another media type came out as 500): the same problem as its typed exception would give.
            return clientMistake(status.getStatusCode().value());
        }
        if (isUnavailable(failure)) {
            log.warn("a backing service is unavailable: {}", failure.toString());
            return ApiProblem.retryLater(ErrorCode.BUSY, "A backing service is unavailable, please retry", java.time.Duration.ofSeconds(2));
        }
        log.error("unexpected failure", failure);
        return ApiProblem.of(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; nothing was changed by it");
    }

    private static ApiProblem clientMistake(int status) {
        return switch (status) {
            case 405 -> ApiProblem.of(ErrorCode.METHOD_NOT_ALLOWED, "This method is not allowed here");
            case 406 -> ApiProblem.of(ErrorCode.NOT_ACCEPTABLE, "This resource answers application/json");
            case 413 -> ApiProblem.of(ErrorCode.PAYLOAD_TOO_LARGE, "The request body exceeds the allowed size");
            case 415 -> ApiProblem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json");
            default -> validation("The request is not valid", List.of());
        };
    }

    static ApiProblem validation(String detail, List<Map<String, Object>> errors) {
        return ApiProblem.withExtra(ErrorCode.VALIDATION_FAILED, detail, Map.of("errors", errors));
    }

    static Map<String, Object> field(String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }

    /** The JSON field a body could not be read at (unknown field, wrong type, bad date), when Jackson says. */
    private static List<Map<String, Object>> fieldOf(ServerWebInputException input) {
        for (Throwable t = input; t != null; t = t.getCause()) {
            if (t instanceof tools.jackson.databind.DatabindException databind && !databind.getPath().isEmpty()) {
                String field = databind.getPath().stream()
                        .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                        .collect(java.util.stream.Collectors.joining(".")).replace(".[", "[");
                String message = t instanceof tools.jackson.databind.exc.UnrecognizedPropertyException
                        ? "is not a known field" : "has the wrong type or format";
                return List.of(field(field, message));
            }
        }
        if (input.getMethodParameter() != null && input.getMethodParameter().getParameterName() != null) {
            return List.of(field(input.getMethodParameter().getParameterName(), "is not valid"));
        }
        return List.of();
    }

    private static String inputDetail(ServerWebInputException input) {
        if (causedBy(input, DecodingException.class)) {
            return "The body is not valid JSON of the expected shape";
        }
        String reason = input.getReason();
        return reason == null ? "The request is not valid" : reason;
    }

    /**
     * A backing service that failed or could not be reached: the client may ask again (with its Idempotency-Key).
     * An I/O error under any wrapper counts: a Redis primary that died mid-command fails the commands in flight
     * with "Connection reset by peer", which Spring Data wraps in a plain RedisSystemException (the fleet's Redis
     * drill answered 142 members 500 before this).
     */
    private static boolean isUnavailable(Throwable failure) {
        return causedBy(failure, java.io.IOException.class)
                || causedBy(failure, RedisConnectionFailureException.class)
                || causedBy(failure, io.lettuce.core.RedisException.class)
                || causedBy(failure, DataAccessResourceFailureException.class)
                || causedBy(failure, QueryTimeoutException.class)
                || causedBy(failure, io.r2dbc.spi.R2dbcTransientResourceException.class)
                || causedBy(failure, io.r2dbc.spi.R2dbcNonTransientResourceException.class)
                || causedBy(failure, java.util.concurrent.TimeoutException.class)
                || causedBy(failure, org.apache.kafka.common.KafkaException.class);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
