package org.fairrush.voucher;

import java.util.ArrayList;
import java.util.List;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.Invariants;
import org.fairrush.devstack.DevStack;
import org.fairrush.devstack.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Postgres stops in the middle of a sale (this test's application has a server of its own): grabs keep
 * succeeding from Redis and Kafka, and once Postgres is back the persister catches up and counts match.
 */
@FairrushTest
@DirtiesContext
class PostgresOutageTest {

    private static final EmbeddedPostgres postgres = EmbeddedPostgres.start();

    @DynamicPropertySource
    static void ownPostgres(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.url", () -> postgres.r2dbcUrl("postgres"));
        registry.add("spring.r2dbc.username", () -> "postgres");
        // Its own topics and consumer group: claims of the other tests' database must not land in this one.
        registry.add("fairrush.rush.topic-prefix", () -> "fairrush-pg-outage-" + ProcessHandle.current().pid() + ".");
        registry.add("fairrush.rush.persister.group-id", () -> "fairrush-pg-outage-" + ProcessHandle.current().pid());
        // And its own Redis keys: its database numbers campaigns from 1 again.
        registry.add("fairrush.rush.key-prefix", () -> DevStack.forTests().properties().get("fairrush.rush.key-prefix") + "-pg");
    }

    @AfterAll
    static void removePostgres() {
        postgres.close();
    }

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;

    @Test
    void grabsGoOnWhilePostgresIsDownAndEveryOneIsStoredAfterwards() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(300, 1));
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            acknowledged.add((String) api.grabbed("before-" + i, campaignId).get("voucherId"));
        }

        postgres.stop();
        for (int i = 0; i < 60; i++) {
            acknowledged.add((String) api.grabbed("during-" + i, campaignId).get("voucherId"));
        }
        http.get().uri("/api/v1/me/vouchers").headers(h -> h.setBearerAuth(Fixtures.memberToken("during-0")))
                .exchange().expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("BUSY");
        postgres.restart();

        Invariants.assertCampaignHolds(http, db, campaignId, 300, 1, acknowledged);
        assertThat(Invariants.storedIds(db, campaignId)).hasSize(80);
    }
}
