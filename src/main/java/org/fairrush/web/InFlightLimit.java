package org.fairrush.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bounded in-flight work per instance (docs/design.md section 7, "Overload"): beyond {@code max} API requests
 * at once, a request is answered 503 BUSY with Retry-After straight away instead of queueing without
 * bound; the load balancer or the client's backoff spreads it out.
 */
final class InFlightLimit implements WebFilter {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int max;
    private final ProblemResponses problems;

    InFlightLimit(int max, ProblemResponses problems) {
        this.max = max;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        return within(exchange, () -> chain.filter(exchange));
    }

    /** Runs {@code work} counted in flight, or answers 503 BUSY when {@code max} requests are in flight already. */
    Mono<Void> within(ServerWebExchange exchange, Supplier<Mono<Void>> work) {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return problems.write(exchange, ApiProblem.retryLater(ErrorCode.BUSY,
                    "This instance is at capacity; please retry in a second", Duration.ofSeconds(1)));
        }
        return Mono.defer(work).doFinally(signal -> inFlight.decrementAndGet());
    }

    int inFlight() {
        return inFlight.get();
    }
}
