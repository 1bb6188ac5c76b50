package org.fairrush.web;

import java.util.List;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.devstack.DevTokens.Hostile;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application checks bearer tokens through the verified-token cache, and a token the cache has seen does
 * not open the door to tokens it has not: a forged, expired or tampered token is refused right after a valid one.
 */
@FairrushTest
class VerifiedTokensWiringTest {

    WebTestClient http;

    /** A generous timeout: on a machine shared with other builds a first request can take longer than the default 5 s. */
    @Autowired
    void http(WebTestClient client) {
        this.http = client.mutate().responseTimeout(java.time.Duration.ofSeconds(30)).build();
    }

    @Autowired
    ReactiveJwtDecoder decoder;

    @Test
    void theApplicationDecodesTokensThroughTheCache() {
        assertThat(decoder).isInstanceOf(VerifiedTokens.class);
    }

    @Test
    void aReusedTokenIsAcceptedEachTime() {
        String member = Fixtures.memberToken("cache-reuse");
        for (int i = 0; i < 3; i++) {
            http.get().uri("/api/v1/me/vouchers").headers(h -> h.setBearerAuth(member)).exchange().expectStatus().isOk();
        }
    }

    @Test
    void refusesBadTokensAfterAValidOneWasCached() {
        String member = Fixtures.memberToken("cache-victim");
        http.get().uri("/api/v1/me/vouchers").headers(h -> h.setBearerAuth(member)).exchange().expectStatus().isOk();

        String tampered = tamperedSignature(member);
        for (String bad : List.of(tampered, Hostile.forged("cache-victim", List.of("MEMBER")),
                Hostile.expired("cache-victim", List.of("MEMBER")))) {
            http.get().uri("/api/v1/me/vouchers").headers(h -> h.setBearerAuth(bad)).exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.code").isEqualTo("UNAUTHENTICATED");
        }
    }

    /** The token with one character in the middle of its signature changed (the last one may only hold padding bits). */
    private static String tamperedSignature(String token) {
        int at = token.length() - 20;
        char changed = token.charAt(at) == 'A' ? 'B' : 'A';
        return token.substring(0, at) + changed + token.substring(at + 1);
    }
}
