package org.fairrush.web;

import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rate limits on every /api route that is not a rush endpoint (those are {@link RateLimits}'): per caller
 * ({@code fairrush.web.per-caller-other}) and per client address ({@code fairrush.web.per-address-other}, buckets
 * apart from the rush's, so reading lists never eats a venue's grab budget). A route takes as many tokens as
 * its work is worth: a single read 1, a page of a list more, an export or an operation that walks every pool
 * much more. Every list is paginated with a maximum page size, so a route's cost per request is bounded, and
 * this bounds how often one caller can pay it. Over a limit: 429 RATE_LIMITED with Retry-After, nothing done.
 * Each bucket is taken from in one script call ({@link TokenBuckets}), so a venue's members opening a page at
 * once queue in Redis for microseconds instead of retrying a compare-and-swap against each other.
 */
final class RouteLimits implements WebFilter {

    /** What one request of a route costs, in tokens of the per-caller and per-address buckets. */
    record Cost(PathPatternParserServerWebExchangeMatcher route, long tokens) {

        static Cost of(HttpMethod method, String pattern, long tokens) {
            return new Cost(new PathPatternParserServerWebExchangeMatcher(pattern, method), tokens);
        }
    }

    static final long SINGLE = 1;
    static final long PAGE = 5;
    static final long EXPORT = 20;
    static final long WALK = 30;

    /** Routes that cost more than a single read; the first match wins, anything else under /api costs {@link #SINGLE}. */
    static final List<Cost> COSTS = List.of(
            Cost.of(HttpMethod.GET, "/api/v1/campaigns", PAGE),
            Cost.of(HttpMethod.GET, "/api/v1/fairs", PAGE),
            Cost.of(HttpMethod.GET, "/api/v1/me/vouchers", PAGE),
            Cost.of(HttpMethod.GET, "/api/v1/me/registrations", PAGE),
            Cost.of(HttpMethod.GET, "/api/v1/fairs/*/registrations", EXPORT),
            Cost.of(HttpMethod.GET, "/api/v1/campaigns/*/settlement", EXPORT),
            Cost.of(HttpMethod.GET, "/api/v1/fairs/*/report", EXPORT),
            Cost.of(HttpMethod.POST, "/api/v1/campaigns", PAGE),
            Cost.of(HttpMethod.POST, "/api/v1/fairs", PAGE),
            Cost.of(HttpMethod.POST, "/api/v1/fairs/*/draw", WALK),
            Cost.of(HttpMethod.POST, "/api/v1/campaigns/*/draw", WALK),
            Cost.of(HttpMethod.GET, "/api/v1/campaigns/*/draw", EXPORT),
            Cost.of(HttpMethod.POST, "/api/v1/campaigns/*/rebuild", WALK),
            Cost.of(HttpMethod.POST, "/api/v1/fairs/*/rebuild", WALK),
            Cost.of(HttpMethod.GET, "/api/v1/ops/reconciliation", WALK),
            Cost.of(HttpMethod.GET, "/api/v1/ops/live", EXPORT));

    private final TokenBuckets buckets;
    private final ProblemResponses problems;
    private final ClientAddress clients;
    private final WebProperties.Rate perCaller;
    private final WebProperties.Rate perAddress;
    private final String callerBuckets;
    private final String addressBuckets;

    RouteLimits(TokenBuckets buckets, ProblemResponses problems, ClientAddress clients, String keyPrefix, WebProperties properties) {
        this.buckets = buckets;
        this.problems = problems;
        this.clients = clients;
        this.perCaller = properties.perCallerOther();
        this.perAddress = properties.perAddressOther();
        // As in RateLimits, the rate is part of the key so that a new limit takes effect at once. The buckets are
        // take-token.lua's hashes (":tb-route-"), not Bucket4j's (":route-caller:", ":route-addr:", before 2026-12-02).
        this.callerBuckets = keyPrefix + ":rl:tb-route-caller:" + name(perCaller) + ":";
        this.addressBuckets = keyPrefix + ":rl:tb-route-addr:" + name(perAddress) + ":";
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        return RateLimits.RUSH_ENDPOINTS.matches(exchange).flatMap(rush -> rush.isMatch()
                ? chain.filter(exchange)
                : cost(exchange).flatMap(tokens -> caller()
                        .flatMap(caller -> check(exchange, caller, tokens))
                        .flatMap(waitNanos -> waitNanos > 0 ? refuse(exchange, waitNanos) : chain.filter(exchange))));
    }

    private static Mono<Long> cost(ServerWebExchange exchange) {
        return Flux.fromIterable(COSTS)
                .concatMap(cost -> cost.route().matches(exchange).filter(ServerWebExchangeMatcher.MatchResult::isMatch).map(match -> cost.tokens()))
                .next()
                .defaultIfEmpty(SINGLE);
    }

    private static Mono<String> caller() {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(Authentication::isAuthenticated)
                .map(Authentication::getName)
                .defaultIfEmpty("");
    }

    /** 0 when the caller's and then the address's bucket had the tokens, else the nanoseconds until the refusing one has. */
    private Mono<Long> check(ServerWebExchange exchange, String caller, long cost) {
        // A route never costs more than a whole bucket, or a small configured limit would refuse it for ever.
        long tokens = Math.min(cost, Math.min(perCaller.capacity(), perAddress.capacity()));
        Mono<Duration> byCaller = caller.isEmpty() ? Mono.empty() : buckets.take(callerBuckets + caller, perCaller, tokens);
        return byCaller
                .filter(wait -> !wait.isZero())
                .switchIfEmpty(Mono.defer(() -> buckets.take(addressBuckets + clients.of(exchange.getRequest()), perAddress, tokens)))
                .map(Duration::toNanos);
    }

    private Mono<Void> refuse(ServerWebExchange exchange, long waitNanos) {
        Duration wait = Duration.ofNanos(waitNanos).plusMillis(999);
        return problems.write(exchange, ApiProblem.retryLater(ErrorCode.RATE_LIMITED,
                "Too many requests; try again in " + Math.max(1, wait.toSeconds()) + " s", wait));
    }

    private static String name(WebProperties.Rate rate) {
        return rate.capacity() + "/" + rate.period().toMillis() + "ms";
    }
}
