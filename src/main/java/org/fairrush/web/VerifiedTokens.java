package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * A {@link ReactiveJwtDecoder} that remembers the tokens its verifier accepted, keyed by the whole token, so
 * that a member's retries (the same token each time, as a phone sends it) pay the RSA signature check once.
 * A token is only ever remembered after the verifier checked its signature, issuer, audience and times; a
 * token it refused is never remembered. A remembered token is answered from memory only while it is unexpired
 * by its own {@code exp} (no clock skew allowed, stricter than the verifier) and for at most {@code maxAge}
 * after it was verified, so a key removed from the identity provider's key set stops being honoured within
 * {@code maxAge}. Tokens without {@code exp} are verified every time. At most {@code maxSize} tokens are kept.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    /** A token the verifier accepted, and the caller taken from it once the lean rush path asked ({@link #caller}). */
    private static final class Verified {

        final Jwt jwt;
        final Instant until;
        volatile AbstractAuthenticationToken caller;

        Verified(Jwt jwt, Instant until) {
            this.jwt = jwt;
            this.until = until;
        }
    }

    /** How fairrush takes a caller from a verified token, the one rule of every chain ({@link BearerTokens}). */
    private static final Converter<Jwt, Mono<AbstractAuthenticationToken>> CALLERS = BearerTokens.rolesFromClaim();

    private final ReactiveJwtDecoder verifier;
    private final Clock clock;
    private final Duration maxAge;
    private final Cache<String, Verified> verified;

    VerifiedTokens(ReactiveJwtDecoder verifier, long maxSize, Duration maxAge, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
        this.maxAge = maxAge;
        // Expiry here only frees memory; whether an entry may answer is decided by decode() against the clock.
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfter(Expiry.<String, Verified>creating((token, entry) ->
                        Duration.between(clock.instant(), entry.until).plusSeconds(1).abs()))
                .executor(Runnable::run)
                .build();
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Verified hit = remembered(token);
        return hit != null ? Mono.just(hit.jwt) : verifier.decode(token).doOnNext(jwt -> remember(token, jwt));
    }

    /**
     * The caller of a token, verified as {@link #decode} verifies it, and taken from it by fairrush's rule
     * ({@link BearerTokens#rolesFromClaim}), or that rule's refusal. A remembered token keeps the caller taken from it,
     * so a phone's retries take it once: taking it copies all of the token's claims and reads its roles, 1.5 % of a
     * grab's CPU samples (issue 13), where keeping it costs no look-up beyond the token's own. A caller is the same
     * object for every request of its token, so nothing may change it.
     */
    Mono<AbstractAuthenticationToken> caller(String token) {
        Verified hit = remembered(token);
        if (hit == null) {
            return verifier.decode(token).doOnNext(jwt -> remember(token, jwt)).flatMap(CALLERS::convert);
        }
        AbstractAuthenticationToken known = hit.caller;
        return known != null ? Mono.just(known) : CALLERS.convert(hit.jwt).doOnNext(taken -> hit.caller = taken);
    }

    /** The token's entry while it may answer from memory, else null. */
    private Verified remembered(String token) {
        Verified hit = verified.getIfPresent(token);
        if (hit != null) {
            if (clock.instant().isBefore(hit.until)) {
                return hit;
            }
            verified.invalidate(token);
        }
        return null;
    }

    private void remember(String token, Jwt jwt) {
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt == null) {
            return;
        }
        Instant now = clock.instant();
        Instant until = expiresAt.isBefore(now.plus(maxAge)) ? expiresAt : now.plus(maxAge);
        // The verifier allows some clock skew past exp; such a token is accepted this once, never remembered.
        if (until.isAfter(now)) {
            verified.put(token, new Verified(jwt, until));
        }
    }

    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
