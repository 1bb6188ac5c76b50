package org.fairrush.web;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Cross-cutting HTTP settings ({@code fairrush.web.*}).
 *
 * @param maxInFlight    requests one instance works on at once; beyond it, 503 BUSY at once
 * @param perCaller      rate limit of one member or merchant on the rush endpoints
 * @param perAddress     rate limit of one client address on the rush endpoints (a venue's Wi-Fi shares one)
 * @param allowedOrigins browser origins allowed to call the API (CORS), e.g. the mini-program's web view
 * @param trustedProxies address blocks (CIDR, e.g. {@code 10.0.0.0/8}) of our own proxies and ingress: only the
 *                       X-Forwarded-For hops they wrote are believed (see {@link ClientAddress}); empty: the
 *                       connection's address is the client's
 * @param perCallerOther rate limit of one caller on every other /api route, in cost units (a list costs
 *                       more than a single read, see {@link RouteLimits})
 * @param perAddressOther rate limit of one client address on every other /api route, in cost units
 */
@Validated
@ConfigurationProperties("fairrush.web")
public record WebProperties(
        @DefaultValue("4096") @Min(1) int maxInFlight,
        @DefaultValue @Valid Rate perCaller,
        @DefaultValue @Valid Rate perAddress,
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue List<String> trustedProxies,
        @DefaultValue @Valid Rate perCallerOther,
        @DefaultValue @Valid Rate perAddressOther) {

    /**
     * A token bucket: {@code capacity} requests at once, refilled by {@code capacity} every {@code period}.
     */
    public record Rate(@DefaultValue("10") @Min(1) long capacity, @DefaultValue("1s") @NotNull Duration period) {
    }
}
