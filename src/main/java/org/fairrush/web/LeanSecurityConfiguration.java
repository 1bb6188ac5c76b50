package org.fairrush.web;

import java.util.List;
import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.server.WebFilter;

/**
 * What Spring Security costs a request that needs none of it, cut (issue 13: fairrush's liveness cost about three
 * times plain Boot's). The liveness and readiness probes skip the API's security chain: they are public in that chain too
 * ({@code anyExchange().permitAll()}), answer a fixed JSON document to the kubelet, and need none of what the
 * chain does for the API (bearer tokens, roles, rate limits, CORS, browser security headers). Each filter of that
 * chain costs every request a Reactor pipeline of its own; a probe polled every few seconds across a fleet, and a
 * load balancer's health check, should not pay for them. The request firewall still runs (it is applied before any
 * chain is chosen). Only GET of the two probe paths is matched; everything else goes through the API's chain.
 */
@Configuration(proxyBeanMethods = false)
class LeanSecurityConfiguration {

    /**
     * Its one filter passes the request on: a chain needs at least one, and with Spring Security's filter-chain
     * observations switched on (see {@link #securityObservations()}) an empty chain would fail every probe.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain probes() {
        WebFilter passOn = (exchange, chain) -> chain.filter(exchange);
        return new MatcherSecurityWebFilterChain(probeRequests(), List.of(passOn));
    }

    private static final Set<String> PROBES = Set.of("/actuator/health/liveness", "/actuator/health/readiness");

    /**
     * GET of exactly one of the two probe paths. Compared as strings rather than by Spring Security's
     * {@code pathMatchers}: that is an OR of pattern matchers that formats a debug message for every pattern it tries,
     * whether or not debug is on (commons-logging's SLF4J bridge turns the message into a string before the level is
     * checked), on every request that reaches the security chain (docs/benchmarks.md, issue 13, session j). The path is
     * the one the request firewall has already checked; anything else, a trailing slash included, is not a probe.
     */
    static ServerWebExchangeMatcher probeRequests() {
        return exchange -> HttpMethod.GET.equals(exchange.getRequest().getMethod())
                && PROBES.contains(exchange.getRequest().getPath().pathWithinApplication().value())
                        ? MatchResult.match()
                        : MatchResult.notMatch();
    }

    /**
     * Spring Security's own observations off: with them, every filter of every request is wrapped in an
     * observation of its own (spring.security.filterchains before and after each filter) and every authentication
     * and authorization in one more: timers that nothing here reads, on every request's path. What requests did and
     * how long they took is recorded once per request by http.server.requests (status 401 and 403 included).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }
}
