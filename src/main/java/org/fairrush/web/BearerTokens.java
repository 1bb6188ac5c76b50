package org.fairrush.web;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import reactor.core.publisher.Mono;

/**
 * How a security chain of fairrush takes its callers: a JWT bearer token whose {@code roles} claim gives the
 * roles (MEMBER, MERCHANT, ADMIN), and a problem answer (UNAUTHENTICATED 401, FORBIDDEN 403) for a missing or bad
 * token or a role that may not pass. One place for every chain (the API's, and the benchmark's in the tests).
 */
public final class BearerTokens {

    private BearerTokens() {
    }

    public static ServerHttpSecurity withRolesAndProblems(ServerHttpSecurity http, ProblemResponses problems) {
        return http
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(rolesFromClaim()))
                        .authenticationEntryPoint((exchange, denied) ->
                                problems.write(exchange, ApiProblem.of(ErrorCode.UNAUTHENTICATED, "Send a valid bearer token")))
                        .accessDeniedHandler((exchange, denied) ->
                                problems.write(exchange, ApiProblem.of(ErrorCode.FORBIDDEN, "Your role may not do this"))))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint((exchange, denied) ->
                                problems.write(exchange, ApiProblem.of(ErrorCode.UNAUTHENTICATED, "Send a valid bearer token")))
                        .accessDeniedHandler((exchange, denied) ->
                                problems.write(exchange, ApiProblem.of(ErrorCode.FORBIDDEN, "Your role may not do this"))));
    }

    /**
     * The caller from a verified token. Its subject becomes the actor id in Redis keys, Kafka events and Postgres
     * rows, so a subject those cannot hold as it is (see {@link Text#whyNotUsableAsId}) makes the token unusable
     * (401) rather than a claim that is acknowledged and then cannot be stored.
     */
    static Converter<Jwt, Mono<AbstractAuthenticationToken>> rolesFromClaim() {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
        ReactiveJwtAuthenticationConverterAdapter withRoles = new ReactiveJwtAuthenticationConverterAdapter(converter);
        return jwt -> Text.whyNotUsableAsId(jwt.getSubject())
                .<Mono<AbstractAuthenticationToken>>map(reason -> Mono.error(new InvalidBearerTokenException("The token's subject " + reason)))
                .orElseGet(() -> withRoles.convert(jwt));
    }

    /** Whether the caller has {@code role} (MEMBER, MERCHANT, ADMIN), as {@code hasRole} of a chain decides it. */
    static boolean hasRole(Authentication caller, String role) {
        String authority = "ROLE_" + role;
        for (GrantedAuthority granted : caller.getAuthorities()) {
            if (authority.equals(granted.getAuthority())) {
                return true;
            }
        }
        return false;
    }
}
