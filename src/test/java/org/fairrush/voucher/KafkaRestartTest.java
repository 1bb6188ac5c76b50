package org.fairrush.voucher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.Invariants;
import org.fairrush.devstack.KafkaProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka broker (a process of its own here) is killed during a sale and started again: meanwhile grabs
 * answer 503 BUSY and take nothing; afterwards grabs succeed, and exactly the acknowledged vouchers are
 * stored: nothing lost, nothing doubled.
 */
@FairrushTest
@DirtiesContext
class KafkaRestartTest {

    private static final KafkaProcess kafka = KafkaProcess.start();

    @DynamicPropertySource
    static void ownKafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("fairrush.rush.send-timeout", () -> "3s");
    }

    @AfterAll
    static void removeKafka() {
        kafka.close();
    }

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;

    @Test
    void grabsAreRefusedCleanlyWhileKafkaIsDownAndNothingIsLostOrDoubledAfterItReturns() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(100, 1));
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            acknowledged.add((String) api.grabbed("before-" + i, campaignId).get("voucherId"));
        }

        kafka.kill();
        for (int i = 0; i < 5; i++) {
            api.grab("during-" + i, campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(503)
                    .expectHeader().exists("Retry-After")
                    .expectBody().jsonPath("$.code").isEqualTo("BUSY");
        }
        assertThat(api.campaign(campaignId).get("remaining")).isEqualTo(90);

        kafka.restart();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                api.grab("during-0", campaignId, Fixtures.idempotencyKey()).returnResult(String.class).getStatus().value() == 201);
        acknowledged.add(voucherOf("during-0"));
        for (int i = 1; i < 5; i++) {
            acknowledged.add((String) api.grabbed("during-" + i, campaignId).get("voucherId"));
        }

        Invariants.assertCampaignHolds(http, db, campaignId, 100, 1, acknowledged);
        assertThat(Invariants.storedIds(db, campaignId)).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(api.campaign(campaignId).get("remaining")).isEqualTo(85);
    }

    private String voucherOf(String member) {
        await().atMost(Duration.ofSeconds(90)).until(() -> !new Api(http).wallet(member).isEmpty());
        return (String) new Api(http).wallet(member).get(0).get("voucherId");
    }
}
