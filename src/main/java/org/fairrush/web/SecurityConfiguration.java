package org.fairrush.web;

import java.time.Clock;
import java.util.List;

import org.fairrush.rush.RushProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * Who may call what (docs/design.md section 7). Callers are authenticated by a JWT bearer token: the subject
 * is the member or merchant id, the {@code roles} claim holds MEMBER, MERCHANT and/or ADMIN. Production
 * validates tokens of the union's identity provider (spring.security.oauth2.resourceserver.jwt.*);
 * ownership (a member's own vouchers, a merchant's own registration) is checked by the handlers.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    static final String MEMBER = "MEMBER";
    static final String MERCHANT = "MERCHANT";
    static final String ADMIN = "ADMIN";

    /** The browser security policy of every answer (the lean rush path writes the same, {@link LeanRushPath}). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

    @Bean
    TokenBuckets tokenBuckets(ReactiveStringRedisTemplate redis, Clock clock) {
        return new TokenBuckets(redis, clock);
    }

    @Bean
    RushGuards rushGuards(ProblemResponses problems, ReactiveStringRedisTemplate redis, Clock clock, TokenBuckets tokenBuckets,
            RushProperties rush, WebProperties web) {
        return new RushGuards(new InFlightLimit(web.maxInFlight(), problems),
                new RateLimits(tokenBuckets, new SharedBuckets(redis, clock), problems, rush.keyPrefix(), web));
    }

    /** The rush routes' lean way past this chain (on unless {@code fairrush.web.lean-rush-path=false}, e.g. to measure it). */
    @Bean
    @ConditionalOnBooleanProperty(name = "fairrush.web.lean-rush-path", matchIfMissing = true)
    LeanRushPath leanRushPath(List<RushRoute> routes, ReactiveJwtDecoder tokens, RushGuards guards, ProblemResponses problems) {
        return new LeanRushPath(routes, tokens, guards, problems);
    }

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ProblemResponses problems, TokenBuckets tokenBuckets, RushGuards guards,
            RushProperties rush, WebProperties web) {
        return BearerTokens.withRolesAndProblems(http, problems)
                .addFilterAt(guards.inFlight(), SecurityWebFiltersOrder.FIRST)
                .addFilterAfter(guards.rateLimits(), SecurityWebFiltersOrder.AUTHORIZATION)
                // Every other /api route (edges): per caller and per address, weighted by what the route costs.
                .addFilterAfter(new RouteLimits(tokenBuckets, problems, new ClientAddress(web.trustedProxies()), rush.keyPrefix(), web),
                        SecurityWebFiltersOrder.AUTHORIZATION)
                .cors(cors -> cors.configurationSource(cors(web.allowedOrigins())))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(
                                org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER)))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(routes -> routes
                        .pathMatchers(HttpMethod.POST, "/api/v1/campaigns", "/api/v1/campaigns/*/pause",
                                "/api/v1/campaigns/*/resume", "/api/v1/campaigns/*/rebuild", "/api/v1/campaigns/*/draw").hasRole(ADMIN)
                        .pathMatchers("/api/v1/ops/**").hasRole(ADMIN)
                        .pathMatchers(HttpMethod.POST, "/api/v1/campaigns/*/grabs").hasRole(MEMBER)
                        .pathMatchers(HttpMethod.GET, "/api/v1/me/vouchers").hasRole(MEMBER)
                        .pathMatchers(HttpMethod.POST, "/api/v1/redemptions", "/api/v1/redemptions/*/refund").hasRole(MERCHANT)
                        .pathMatchers(HttpMethod.POST, "/api/v1/vouchers/*/void").hasRole(ADMIN)
                        .pathMatchers(HttpMethod.GET, "/api/v1/campaigns/*/settlement", "/api/v1/fairs/*/report").hasRole(ADMIN)
                        .pathMatchers(HttpMethod.POST, "/api/v1/fairs", "/api/v1/fairs/*/draw", "/api/v1/fairs/*/rebuild").hasRole(ADMIN)
                        .pathMatchers(HttpMethod.PUT, "/api/v1/fairs/*/seed-commitment").hasRole(ADMIN)
                        .pathMatchers(HttpMethod.POST, "/api/v1/fairs/*/registrations").hasRole(MERCHANT)
                        .pathMatchers(HttpMethod.GET, "/api/v1/fairs/*/registrations").hasRole(ADMIN)
                        .pathMatchers(HttpMethod.POST, "/api/v1/fairs/*/registrations/*/accept",
                                "/api/v1/fairs/*/registrations/*/decline").hasRole(MERCHANT)
                        .pathMatchers("/api/v1/fairs/*/registrations/*").hasAnyRole(MERCHANT, ADMIN)
                        .pathMatchers(HttpMethod.GET, "/api/v1/me/registrations").hasRole(MERCHANT)
                        .pathMatchers("/api/v1/webhooks", "/api/v1/webhooks/**").hasRole(ADMIN)
                        .pathMatchers("/api/**").authenticated()
                        .anyExchange().permitAll())
                .build();
    }

    /** Requests the firewall refuses (encoded slashes, path traversal, ...) get the same problem answer as any other. */
    @Bean
    ServerExchangeRejectedHandler rejectedRequests(ProblemResponses problems) {
        return (exchange, rejected) -> problems.write(exchange, ProblemResponses.validation(
                "The request path or headers are not allowed", List.of(ProblemResponses.field("path", "is not allowed"))));
    }

    /** Browser origins allowed to call the API with a bearer token (no cookies are used, so no credentials). */
    private static UrlBasedCorsConfigurationSource cors(List<String> allowedOrigins) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(allowedOrigins);
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key"));
        cors.setExposedHeaders(List.of("Retry-After", "Location", Caller.IDEMPOTENT_REPLAYED));
        cors.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        return source;
    }
}
