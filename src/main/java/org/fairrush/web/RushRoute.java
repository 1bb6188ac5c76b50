package org.fairrush.web;

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

    /**
     * Answers the request of a caller whose bearer token was verified, who has {@link #role()} and who passed the
     * in-flight bound and the rate limits; a refusal may be signalled as an {@link ApiProblem}.
     */
    Mono<Void> answer(ServerWebExchange exchange, long id, Caller caller);
}
