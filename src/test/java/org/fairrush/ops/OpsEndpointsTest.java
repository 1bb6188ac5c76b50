package org.fairrush.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health groups, Prometheus metrics, the live stream and the dashboard page on the real stack. */
@FairrushTest
class OpsEndpointsTest {

    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> FRAME = new ParameterizedTypeReference<>() {
    };

    @Autowired
    WebTestClient http;

    @Test
    void readinessChecksRedisAndKafka() {
        http.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.redis.status").isEqualTo("UP")
                .jsonPath("$.components.kafka.status").isEqualTo("UP")
                .jsonPath("$.components.r2dbc").doesNotExist();
    }

    @Test
    void livenessChecksOnlyTheJvm() {
        http.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.livenessState.status").isEqualTo("UP")
                .jsonPath("$.components.redis").doesNotExist()
                .jsonPath("$.components.kafka").doesNotExist();
    }

    @Test
    void prometheusCountsGrabsByOutcomeAndTimesScriptAndKafka() {
        long campaign = createCampaign(1);
        grab(campaign, "ops-m1").expectStatus().isCreated();
        grab(campaign, "ops-m2").expectStatus().isEqualTo(409);

        String metrics = prometheus();
        assertThat(metrics).containsPattern("fairrush_claims_total\\{.*kind=\"c\".*outcome=\"CREATED\".*} [1-9]");
        assertThat(metrics).containsPattern("fairrush_claims_total\\{.*outcome=\"SOLD_OUT\".*} [1-9]");
        assertThat(metrics).contains("fairrush_claim_script_seconds_bucket{");
        assertThat(metrics).containsPattern("fairrush_kafka_send_seconds_count\\{.*result=\"ok\".*} [1-9]");
    }

    @Test
    void prometheusShowsPerPoolGaugesAndThePathToPostgres() {
        long campaign = createCampaign(5);
        grab(campaign, "ops-m3").expectStatus().isCreated();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = prometheus();
            assertThat(metrics).containsPattern("fairrush_pool_remaining_units\\{.*pool=\"c:" + campaign + "\".*} 4\\.0");
            assertThat(metrics).containsPattern("fairrush_pool_pending_claims\\{.*pool=\"c:" + campaign + "\".*} 0\\.0");
            assertThat(metrics).containsPattern("fairrush_persister_claims_total\\{.*} [1-9]");
            assertThat(metrics).containsPattern("fairrush_persister_lag_records\\{.*topic=\"fairrush-test-.*voucher-claims\".*} 0\\.0");
        });
        assertThat(prometheus()).contains("fairrush_persister_batch_claims_bucket{");
    }

    @Test
    void liveStreamRefusesCallersWithoutAdminRole() {
        http.get().uri("/api/v1/ops/live").exchange().expectStatus().isUnauthorized();
        http.get().uri("/api/v1/ops/live").headers(h -> h.setBearerAuth(Fixtures.memberToken("ops-m4")))
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
    }

    @Test
    @SuppressWarnings("unchecked")
    void liveStreamFollowsACampaignAsItIsGrabbed() {
        long campaign = createCampaign(3);
        grab(campaign, "ops-m5").expectStatus().isCreated();

        Map<String, Object> pool = http.get().uri("/api/v1/ops/live").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals("X-Accel-Buffering", "no")
                .returnResult(FRAME).getResponseBody()
                .mapNotNull(event -> pool(event.data(), "c:" + campaign))
                // stored first, then the PENDING record is cleared: wait for both
                .filter(found -> ((Number) found.get("stored")).longValue() == 1 && ((Number) found.get("pending")).longValue() == 0)
                .blockFirst(Duration.ofSeconds(30));

        assertThat(pool).containsEntry("name", "Spend 30, save 20").containsEntry("stock", 3);
        assertThat(((Number) pool.get("remaining")).longValue()).isEqualTo(2);
        assertThat(((Number) pool.get("waiting")).longValue()).isZero();
    }

    @Test
    void servesTheDashboardPageWithoutData() {
        http.get().uri("/dashboard").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).value(page -> assertThat(page).contains("/dashboard/dashboard.js").doesNotContain("Spend"));
        http.get().uri("/dashboard/dashboard.js").exchange().expectStatus().isOk();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pool(Map<String, Object> frame, String id) {
        for (Map<String, Object> group : (List<Map<String, Object>>) frame.get("groups")) {
            for (Map<String, Object> pool : (List<Map<String, Object>>) group.get("pools")) {
                if (id.equals(pool.get("id"))) {
                    return pool;
                }
            }
        }
        return null;
    }

    private long createCampaign(int stock) {
        Map<?, ?> created = http.post().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.openCampaign(stock, 1))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) created.get("id")).longValue();
    }

    private WebTestClient.ResponseSpec grab(long campaign, String member) {
        return http.post().uri("/api/v1/campaigns/{id}/grabs", campaign).headers(h -> h.setBearerAuth(Fixtures.memberToken(member)))
                .header("Idempotency-Key", Fixtures.idempotencyKey()).exchange();
    }

    private String prometheus() {
        // The scrape is far larger than the 16 KB the application accepts as a request body, a limit Boot also
        // gives this test's client.
        return http.mutate().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build()
                .get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }
}
