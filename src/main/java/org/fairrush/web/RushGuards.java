package org.fairrush.web;

/**
 * The guards of the rush endpoints, one of each per instance, shared by the API's security chain and the lean rush
 * path ({@link LeanRushPath}): one in-flight count and one set of rate-limit buckets, whichever way a request comes.
 * Not WebFilter beans themselves: a WebFilter bean would also run in WebFlux's own chain, so every request would pass
 * them twice; {@link SecurityConfiguration} places them in the security chain, once.
 */
record RushGuards(InFlightLimit inFlight, RateLimits rateLimits) {
}
