package org.fairrush.web;

import io.micrometer.core.instrument.MeterRegistry;
import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes answer without the API's security chain, and only they do: the API next to them still wants a token.
 * Spring Security records no observations of its own (http.server.requests still times every request).
 */
@FairrushTest
class LeanSecurityTest {

    WebTestClient http;

    /** A generous timeout: on a machine shared with other builds a first request can take longer than the default 5 s. */
    @Autowired
    void http(WebTestClient client) {
        this.http = client.mutate().responseTimeout(java.time.Duration.ofSeconds(30)).build();
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void livenessAndReadinessAnswerWithoutAToken() {
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }

    @Test
    void theApiStillWantsAToken() {
        http.get().uri("/api/v1/campaigns").exchange().expectStatus().isUnauthorized();
        http.post().uri("/actuator/health/liveness").exchange().expectStatus().value(status -> assertThat(status).isNotEqualTo(200));
    }

    @Test
    void otherActuatorEndpointsKeepTheApiChainsHeaders() {
        http.get().uri("/actuator/info").exchange().expectHeader().exists("Content-Security-Policy");
    }

    @Test
    void springSecurityRecordsNoObservationsOfItsOwn() {
        http.get().uri("/api/v1/me/vouchers").headers(h -> h.setBearerAuth(org.fairrush.Fixtures.memberToken("lean-member")))
                .exchange().expectStatus().isOk();
        http.get().uri("/api/v1/campaigns").exchange().expectStatus().isUnauthorized();

        assertThat(meters.getMeters()).noneMatch(meter -> meter.getId().getName().startsWith("spring.security"));
        assertThat(meters.find("http.server.requests").meters()).isNotEmpty();
    }
}
