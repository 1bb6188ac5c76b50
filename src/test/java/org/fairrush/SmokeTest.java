package org.fairrush;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The development run as a newcomer meets it: the local profile with its demo data on the real stack. */
@FairrushTest
@ActiveProfiles({"test", "local"})
class SmokeTest {

    @Autowired
    WebTestClient http;

    @Test
    void healthIsUp() {
        http.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void aTokenFromTheDevIssuerListsTheDemoCampaign() {
        Map<?, ?> issued = http.post().uri("/api/v1/dev/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("subject", "m-1", "roles", List.of("MEMBER")))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();

        List<Map> campaigns = http.get().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth((String) issued.get("token")))
                .exchange().expectStatus().isOk()
                .expectBodyList(Map.class).returnResult().getResponseBody();

        assertThat(campaigns).map(campaign -> campaign.get("name")).contains("Demo: spend 30, save 20");
    }

    @Test
    void refusesTheApiWithoutAToken() {
        http.get().uri("/api/v1/campaigns").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("UNAUTHENTICATED");
    }
}
