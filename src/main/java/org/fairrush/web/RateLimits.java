package org.fairrush.web;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
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
 * ({@link TokenBuckets}), the address's by Bucket4j with batching. A request over a limit is
 * answered 429 RATE_LIMITED with Retry-After and changes nothing. Runs after authentication, so the caller
 * is known; the client address is the one {@link ClientAddress} finds (behind proxies: fairrush.web.trusted-proxies).
 * Every other /api route is limited by {@link RouteLimits}.
 */
final class RateLimits implements WebFilter {

    static final ServerWebExchangeMatcher RUSH_ENDPOINTS = ServerWebExchangeMatchers.matchers(
            new PathPatternParserServerWebExchangeMatcher("/api/v1/campaigns/*/grabs", HttpMethod.POST),
            new PathPatternParserServerWebExchangeMatcher("/api/v1/fairs/*/registrations", HttpMethod.POST),
            new PathPatternParserServerWebExchangeMatcher("/api/v1/redemptions", HttpMethod.POST));

    private final RateLimitConfiguration.RateLimitBuckets buckets;
    private final TokenBuckets callers;
    private final ProblemResponses problems;
    private final WebProperties.Rate perCaller;
    private final BucketConfiguration perAddress;
    private final String callerBuckets;
    private static final int SHARED_BUCKETS = 10_000;
    private final Map<String, AsyncBucketProxy> sharedBuckets = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AsyncBucketProxy> eldest) {
                    return size() > SHARED_BUCKETS;
                }
            });
    private ProxyManager<String> sharedBucketsOf;
    private final String addressBuckets;
    private final ClientAddress clients;

    RateLimits(RateLimitConfiguration.RateLimitBuckets buckets, TokenBuckets callers, ProblemResponses problems, String keyPrefix,
            WebProperties properties) {
        this.buckets = buckets;
        this.callers = callers;
        this.problems = problems;
        this.perCaller = properties.perCaller();
        this.perAddress = configuration(properties.perAddress());
        // Bucket4j keeps a bucket's configuration with its state; naming the rate in the key lets a new limit
        // take effect at once instead of being shadowed by buckets made under the old one. A caller's bucket is a
        // hash of take-token.lua's (":tb:"), not one of Bucket4j's (":caller:", before 2026-12-02).
        this.callerBuckets = keyPrefix + ":rl:tb:" + name(properties.perCaller()) + ":";
        this.addressBuckets = keyPrefix + ":rl:addr:" + name(properties.perAddress()) + ":";
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
     * whole venue's Wi-Fi may share.
     */
    private Mono<Long> check(ServerWebExchange exchange, String caller) {
        String client = clients.of(exchange.getRequest());
        Mono<Duration> byCaller = caller.isEmpty() ? Mono.empty() : callers.take(callerBuckets + caller, perCaller);
        return byCaller
                .filter(wait -> !wait.isZero())
                .map(Duration::toNanos)
                .switchIfEmpty(Mono.defer(() -> Mono.fromFuture(() -> consumeShared(addressBuckets + client, perAddress))
                        .map(probe -> probe.isConsumed() ? 0L : Math.max(1L, probe.getNanosToWaitForRefill()))));
    }

    /**
     * A bucket many requests hit at once (one address: a venue's Wi-Fi, a load test) is kept as one proxy
     * with Bucket4j's batching, which folds concurrent requests into one compare-and-swap in Redis instead of
     * letting them retry against each other. At most {@value #SHARED_BUCKETS} such proxies are kept.
     */
    private CompletableFuture<ConsumptionProbe> consumeShared(String bucket, BucketConfiguration configuration) {
        ProxyManager<String> manager = buckets.get();
        synchronized (sharedBuckets) {
            if (manager != sharedBucketsOf) {
                sharedBuckets.clear();
                sharedBucketsOf = manager;
            }
        }
        AsyncBucketProxy proxy = sharedBuckets.computeIfAbsent(bucket, key -> manager.asAsync().builder()
                .withOptimization(Optimizations.batching())
                .build(key, () -> CompletableFuture.completedFuture(configuration)));
        return proxy.tryConsumeAndReturnRemaining(1);
    }

    private Mono<Void> refuse(ServerWebExchange exchange, long waitNanos) {
        Duration wait = Duration.ofNanos(waitNanos).plusMillis(999);
        return problems.write(exchange, ApiProblem.retryLater(ErrorCode.RATE_LIMITED,
                "Too many requests; try again in " + Math.max(1, wait.toSeconds()) + " s", wait));
    }

    private static BucketConfiguration configuration(WebProperties.Rate rate) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(rate.capacity()).refillGreedy(rate.capacity(), rate.period()))
                .build();
    }
}
