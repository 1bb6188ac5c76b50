package org.fairrush.web;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verified-token cache in front of a real verifier (RSA signature, issuer, audience, times, all on a clock
 * the test moves): it saves the verifier's work for a token it accepted, and never answers for anything else.
 */
class VerifiedTokensTest {

    private static final String ISSUER = "https://issuer.example";
    private static final KeyPair KEYS = rsa();
    private static final KeyPair OTHER_KEYS = rsa();

    private final MovableClock clock = new MovableClock(Instant.parse("2030-05-01T02:00:00Z"));
    private final AtomicInteger verifications = new AtomicInteger();
    private final ReactiveJwtDecoder verifier = countingVerifier();
    private final VerifiedTokens tokens = new VerifiedTokens(verifier, 100, Duration.ofMinutes(5), clock);

    @Test
    void verifiesAReusedTokenOnce() {
        String token = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600));

        StepVerifier.create(tokens.decode(token)).assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("m-1")).verifyComplete();
        StepVerifier.create(tokens.decode(token)).assertNext(jwt -> assertThat(jwt.getSubject()).isEqualTo("m-1")).verifyComplete();

        assertThat(verifications).hasValue(1);
    }

    @Test
    void neverAnswersAnExpiredTokenFromMemory() {
        String token = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(120));
        StepVerifier.create(tokens.decode(token)).expectNextCount(1).verifyComplete();

        clock.advance(Duration.ofSeconds(120));

        // At its exp the cache hands the token back to the verifier (which allows its usual 60 s of clock skew),
        // and does not remember it again ...
        StepVerifier.create(tokens.decode(token)).expectNextCount(1).verifyComplete();
        assertThat(verifications).hasValue(2);
        assertThat(tokens.size()).isZero();
        // ... and past the skew the verifier refuses it, and so does the cache.
        clock.advance(Duration.ofSeconds(61));
        StepVerifier.create(tokens.decode(token)).verifyError();
        StepVerifier.create(tokens.decode(token)).verifyError();
        assertThat(verifications).hasValue(4);
    }

    @Test
    void verifiesAgainAfterTheMaximumAge() {
        String token = sign(KEYS, ISSUER, "fairrush", clock.instant().plus(Duration.ofHours(12)));
        StepVerifier.create(tokens.decode(token)).expectNextCount(1).verifyComplete();

        clock.advance(Duration.ofMinutes(5));
        StepVerifier.create(tokens.decode(token)).expectNextCount(1).verifyComplete();

        assertThat(verifications).hasValue(2);
    }

    @Test
    void neverRemembersARefusedToken() {
        String forged = sign(OTHER_KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600));
        String foreign = sign(KEYS, "https://elsewhere.example", "fairrush", clock.instant().plusSeconds(3600));
        String otherAudience = sign(KEYS, ISSUER, "another-app", clock.instant().plusSeconds(3600));

        for (String token : List.of(forged, foreign, otherAudience, forged, foreign, otherAudience)) {
            StepVerifier.create(tokens.decode(token)).verifyError();
        }

        assertThat(verifications).hasValue(6);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void aTokenThatDiffersInOneCharacterIsVerifiedOnItsOwn() {
        String token = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600));
        StepVerifier.create(tokens.decode(token)).expectNextCount(1).verifyComplete();

        String tampered = tamperedSignature(token);

        StepVerifier.create(tokens.decode(tampered)).verifyError();
        assertThat(verifications).hasValue(2);
    }

    @Test
    void keepsAtMostItsMaximumSize() {
        VerifiedTokens small = new VerifiedTokens(verifier, 3, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 10; i++) {
            StepVerifier.create(small.decode(sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600))))
                    .expectNextCount(1).verifyComplete();
        }

        assertThat(small.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void takesTheCallerOfAReusedTokenOnceAndKeepsItWithTheToken() {
        String token = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600));

        AbstractAuthenticationToken first = tokens.caller(token).block();
        AbstractAuthenticationToken second = tokens.caller(token).block();
        AbstractAuthenticationToken third = tokens.caller(token).block();

        assertThat(first.getName()).isEqualTo("m-1");
        assertThat(BearerTokens.hasRole(first, "MEMBER")).isTrue();
        // The first request verified the token; the second took its caller from the remembered token; the third
        // found that caller kept.
        assertThat(third).isSameAs(second);
        assertThat(second.getName()).isEqualTo("m-1");
        assertThat(verifications).hasValue(1);
    }

    @Test
    void theCallerOfATokenIsNeverAnsweredPastTheTokensTime() {
        String token = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(120));
        tokens.caller(token).block();
        tokens.caller(token).block();

        clock.advance(Duration.ofSeconds(181));

        StepVerifier.create(tokens.caller(token)).verifyError();
        assertThat(verifications).hasValue(2);
    }

    @Test
    void theCallerOfEachTokenIsItsOwn() {
        String one = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600), "m-1");
        String other = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600), "m-2");

        for (int i = 0; i < 3; i++) {
            assertThat(tokens.caller(one).block().getName()).isEqualTo("m-1");
            assertThat(tokens.caller(other).block().getName()).isEqualTo("m-2");
        }
    }

    @Test
    void aTokenWhoseSubjectCannotBeStoredIsRefusedACallerEveryTime() {
        String token = sign(KEYS, ISSUER, "fairrush", clock.instant().plusSeconds(3600), "m-1\n");

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(tokens.caller(token))
                    .expectErrorMessage("The token's subject must not contain the control character U+000A").verify();
        }
        assertThat(verifications).hasValue(1);
    }

    private ReactiveJwtDecoder countingVerifier() {
        NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) KEYS.getPublic()).build();
        JwtTimestampValidator times = new JwtTimestampValidator();
        times.setClock(clock);
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<Jwt>(times, new JwtIssuerValidator(ISSUER),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains("fairrush"))));
        return token -> Mono.defer(() -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        });
    }

    private String sign(KeyPair keys, String issuer, String audience, Instant expiresAt) {
        return sign(keys, issuer, audience, expiresAt, "m-1");
    }

    private String sign(KeyPair keys, String issuer, String audience, Instant expiresAt, String subject) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).subject(subject).claim("roles", List.of("MEMBER"))
                .issueTime(Date.from(clock.instant())).expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class MovableClock extends Clock {

        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The token with one character in the middle of its signature changed (the last one may only hold padding bits). */
    private static String tamperedSignature(String token) {
        int at = token.length() - 20;
        char changed = token.charAt(at) == 'A' ? 'B' : 'A';
        return token.substring(0, at) + changed + token.substring(at + 1);
    }
}
