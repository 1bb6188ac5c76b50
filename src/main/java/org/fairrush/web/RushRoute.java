package org.fairrush.web;

import java.util.Optional;
import java.util.function.Consumer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A rush endpoint a feature serves on the lean path ({@link LeanRushPath}): a POST whose path holds one numeric id,
 * for callers of one role. The feature's annotated controller method stays the documented route (and the one any
 * request the lean path passes on reaches); both answer through the same code of the feature.
 */
public interface RushRoute {

    /** The path as the API documents it, with its one variable written {@code {id}}: also the uri of its metrics. */
    String pathPattern();

    /** The role a caller needs (e.g. {@link Caller#MEMBER}). */
    String role();

    /** Whether the route's requests carry a JSON body, which the lean path reads first ({@link #readBody}). */
    default boolean takesBody() {
        return false;
    }

    /**
     * A request's JSON body, decoded and checked as the annotated route's {@code @Valid @RequestBody} would be; empty
     * when the annotated route would refuse it (malformed, invalid, ...): the request then takes the full path, with
     * its body, and gets that route's exact problem.
     */
    default Optional<Object> readBody(byte[] json) {
        return Optional.empty();
    }

    /**
     * Whether the route may know, from memory alone, a refusal of requests to {@code id} that is cheaper to answer
     * than the rate limits are to check (a grab of a campaign known to be sold out): then the lean path asks
     * {@link #refuseBeforeLimits} first. Called on every request, so it must only read what the instance holds.
     */
    default boolean mayRefuseBeforeLimits(long id) {
        return false;
    }

    /**
     * For a request of a verified caller with {@link #role()}, before the rate limits: fails with the refusal (an
     * {@link ApiProblem}) when the route knows it, or completes empty when the request must pass the limits and be
     * {@link #answer answered}. It must change nothing: a refusal here takes no unit and no token of any bucket (a
     * known sold-out answer needs neither: the limits protect what it does not touch; docs/design.md section 11,
     * note 51).
     */
    default Mono<Void> refuseBeforeLimits(ServerWebExchange exchange, long id, Caller caller) {
        return Mono.empty();
    }

    /**
     * Answers the request of a caller whose bearer token was verified, who has {@link #role()} and who passed the
     * in-flight bound and the rate limits; {@code body} is what {@link #readBody} read (null for a route that takes
     * none). A refusal may be signalled as an {@link ApiProblem}.
     */
    Mono<Void> answer(ServerWebExchange exchange, long id, Caller caller, Object body);

    /**
     * Writes a route's JSON answer: {@code status}, the headers {@code headers} sets (e.g.
     * {@link Caller#IDEMPOTENT_REPLAYED}, Location) and the body's bytes, as the annotated route's
     * {@code ResponseEntity} would be written. The headers are set on the response's own, so a grab builds no map of
     * its own for one header.
     */
    static Mono<Void> writeJson(ServerWebExchange exchange, HttpStatusCode status, Consumer<HttpHeaders> headers, byte[] body) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        HttpHeaders answerHeaders = response.getHeaders();
        headers.accept(answerHeaders);
        answerHeaders.setContentType(MediaType.APPLICATION_JSON);
        answerHeaders.setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
