package org.fairrush.web;

import java.time.Duration;
import java.util.function.Supplier;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Rate limits on the rush endpoints (grab, register, redeem), per caller and per client address, as
 * token buckets kept in Redis so that they hold across instances: the caller's taken by one script call
 * ({@link TokenBuckets}), the address's by script calls that fold the takes arriving together ({@link SharedBuckets}).
 * Both on the service's shared Redis connection, the one the grab's claim goes on. A request over a limit is
 * answered 429 RATE_LIMITED with Retry-After and changes nothing. Runs after authentication, so the caller
 * is known; the client address is the one {@link ClientAddress} finds (behind proxies: fairrush.web.trusted-proxies).
 * Every other /api route is limited by {@link RouteLimits}.
 */
final class RateLimits implements WebFilter {

    static final ServerWebExchangeMatcher RUSH_ENDPOINTS = ServerWebExchangeMatchers.matchers(
            new PathPatternParserServerWebExchangeMatcher("/api/v1/campaigns/*/grabs", HttpMethod.POST),
            new PathPatternParserServerWebExchangeMatcher("/api/v1/fairs/*/registrations", HttpMethod.POST),
            new PathPatternParserServerWebExchangeMatcher("/api/v1/redemptions", HttpMethod.POST));

    private final TokenBuckets callers;
    private final SharedBuckets addresses;
    private final ProblemResponses problems;
    private final WebProperties.Rate perCaller;
    private final WebProperties.Rate perAddress;
    private final String callerBuckets;
    private final String addressBuckets;
    private final ClientAddress clients;

    RateLimits(TokenBuckets callers, SharedBuckets addresses, ProblemResponses problems, String keyPrefix, WebProperties properties) {
        this.callers = callers;
        this.addresses = addresses;
        this.problems = problems;
        this.perCaller = properties.perCaller();
        this.perAddress = properties.perAddress();
        // Naming the rate in the key lets a new limit take effect at once instead of being shadowed by buckets made
        // under the old one. Both are hashes of take-token.lua's layout: a caller's ":tb:" (Bucket4j's ":caller:"
        // before 2026-12-02), an address's ":tb-addr:" (Bucket4j's ":addr:" before 2026-12-03, design note 58).
        this.callerBuckets = keyPrefix + ":rl:tb:" + name(properties.perCaller()) + ":";
        this.addressBuckets = keyPrefix + ":rl:tb-addr:" + name(properties.perAddress()) + ":";
        this.clients = new ClientAddress(properties.trustedProxies());
    }

    private static String name(WebProperties.Rate rate) {
        return rate.capacity() + "/" + rate.period().toMillis() + "ms";
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return RUSH_ENDPOINTS.matches(exchange).flatMap(match -> match.isMatch()
                ? ReactiveSecurityContextHolder.getContext()
                        .map(SecurityContext::getAuthentication)
                        .map(authentication -> authentication.getName())
                        .defaultIfEmpty("")
                        .flatMap(caller -> limit(exchange, caller, () -> chain.filter(exchange)))
                : chain.filter(exchange));
    }

    /** Runs {@code next} when the caller's and the address's buckets had a token, else answers 429 RATE_LIMITED. */
    Mono<Void> limit(ServerWebExchange exchange, String caller, Supplier<Mono<Void>> next) {
        return check(exchange, caller).flatMap(waitNanos -> waitNanos > 0 ? refuse(exchange, waitNanos) : next.get());
    }

    /**
     * Emits 0 when the caller's bucket and then the address's bucket had a token, or the nanoseconds until
     * the refusing one refills. A caller over their own limit does not use up the address's budget, which a
     * whole venue's Wi-Fi may share.
     */
    private Mono<Long> check(ServerWebExchange exchange, String caller) {
        String client = clients.of(exchange.getRequest());
        Mono<Duration> byCaller = caller.isEmpty() ? Mono.empty() : callers.take(callerBuckets + caller, perCaller);
        return byCaller
                .filter(wait -> !wait.isZero())
                .switchIfEmpty(Mono.defer(() -> addresses.take(addressBuckets + client, perAddress)))
                .map(Duration::toNanos);
    }

    private Mono<Void> refuse(ServerWebExchange exchange, long waitNanos) {
        Duration wait = Duration.ofNanos(waitNanos).plusMillis(999);
        return problems.write(exchange, ApiProblem.retryLater(ErrorCode.RATE_LIMITED,
                "Too many requests; try again in " + Math.max(1, wait.toSeconds()) + " s", wait));
    }
}
