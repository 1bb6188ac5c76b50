package org.fairrush.devstack;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/dev/tokens {"subject":"m-1","roles":["MEMBER"]}} answers {@code {"token":"..."}}
 * (docs/design.md section 7), in the local profile and in tests only.
 */
@Configuration(proxyBeanMethods = false)
@Profile({"local", "test"})
public class DevTokenConfiguration {

    @Bean
    ReactiveJwtDecoder devJwtDecoder() {
        return DevTokens.decoder();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain devTokenIssuer(ServerHttpSecurity http) {
        return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/v1/dev/**"))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .authorizeExchange(routes -> routes.anyExchange().permitAll())
                .build();
    }

    record TokenRequest(
            @NotNull @Pattern(regexp = "[A-Za-z0-9._@-]{1,64}") String subject,
            @NotEmpty List<@Pattern(regexp = "MEMBER|MERCHANT|ADMIN") String> roles,
            @Min(60) @Max(7 * 24 * 3600) Long ttlSeconds) {
    }

    @RestController
    @Profile({"local", "test"})
    static class DevTokenController {

        @PostMapping("/api/v1/dev/tokens")
        Map<String, String> issue(@Valid @RequestBody TokenRequest request) {
            Duration ttl = Duration.ofSeconds(request.ttlSeconds() == null ? 12 * 3600 : request.ttlSeconds());
            return Map.of("token", DevTokens.issue(request.subject(), request.roles(), ttl));
        }
    }
}
