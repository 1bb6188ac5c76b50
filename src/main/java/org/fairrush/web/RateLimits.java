package org.fairrush.web;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
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
 * token buckets kept in Redis so that they hold across instances, each taken by one script call
 * ({@link TokenBuckets}, lua/take-token.lua). A request over a limit is answered 429 RATE_LIMITED with Retry-After
 * and changes nothing. Runs after authentication, so the caller is known; the client address is the one
 * {@link ClientAddress} finds (behind proxies: fairrush.web.trusted-proxies). Every other /api route is limited by
 * {@link RouteLimits}.
 */
final class RateLimits implements WebFilter {

    static final ServerWebExchangeMatcher RUSH_ENDPOINTS = ServerWebExchangeMatchers.matchers(
            new PathPatternParserServerWebExchangeMatcher("/api/v1/campaigns/*/grabs", HttpMethod.POST),
            new PathPatternParserServerWebExchangeMatcher("/api/v1/fairs/*/registrations", HttpMethod.POST),
            new PathPatternParserServerWebExchangeMatcher("/api/v1/redemptions", HttpMethod.POST));

    private final TokenBuckets buckets;
    private final ProblemResponses problems;
    private final WebProperties.Rate perCaller;
    private final WebProperties.Rate perAddress;
    private final String callerBuckets;
    private final String addressBuckets;
    private final ClientAddress clients;

    RateLimits(TokenBuckets buckets, ProblemResponses problems, String keyPrefix, WebProperties properties) {
        this.buckets = buckets;
        this.problems = problems;
        this.perCaller = properties.perCaller();
        this.perAddress = properties.perAddress();
        // The rate is part of the key, so that a new limit takes effect at once instead of being shadowed by buckets
        // made under the old one. Both are hashes of take-token.lua's (":tb:", ":tba:"), not Bucket4j's (":caller:"
        // before 2026-12-02, ":addr:" before 2026-12-02 (c)), whose keys expire by themselves.
        this.callerBuckets = keyPrefix + ":rl:tb:" + name(properties.perCaller()) + ":";
        this.addressBuckets = keyPrefix + ":rl:tba:" + name(properties.perAddress()) + ":";
        this.clients = new ClientAddress(properties.trustedProxies());
    }

    private static String name(WebProperties.Rate rate) {
        return rate.capacity() + "/" + rate.period().toMillis() + "ms";
    }

    static ExpirationAfterWriteStrategy expiry() {
        return ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));
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
     * whole venue's Wi-Fi may share. (The address's bucket was Bucket4j's until 2026-12-02 (c): its batching folded
     * one address's concurrent requests into one compare-and-swap, but cost the grab 14 % of its CPU, and a phone's
     * address is seldom shared by concurrent grabs; one script call is one round trip whatever the sharing.)
     */
    private Mono<Long> check(ServerWebExchange exchange, String caller) {
        Mono<Duration> byCaller = caller.isEmpty() ? Mono.empty() : buckets.take(callerBuckets + caller, perCaller);
        return byCaller
                .filter(wait -> !wait.isZero())
                .switchIfEmpty(Mono.defer(() -> buckets.take(addressBuckets + clients.of(exchange.getRequest()), perAddress)))
                .map(Duration::toNanos);
    }

    private Mono<Void> refuse(ServerWebExchange exchange, long waitNanos) {
        Duration wait = Duration.ofNanos(waitNanos).plusMillis(999);
        return problems.write(exchange, ApiProblem.retryLater(ErrorCode.RATE_LIMITED,
                "Too many requests; try again in " + Math.max(1, wait.toSeconds()) + " s", wait));
    }
}
