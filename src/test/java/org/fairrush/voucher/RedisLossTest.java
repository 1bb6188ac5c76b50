package org.fairrush.voucher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.Invariants;
import org.fairrush.rush.RushProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis loses a campaign's state after a rush; the rebuild restores exactly what Postgres implies. */
@FairrushTest
class RedisLossTest {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;

    @Test
    @SuppressWarnings("unchecked")
    void rebuildRestoresRemainingStockAndHoldersFromPostgres() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(50, 2));
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            acknowledged.add((String) api.grabbed("holder-" + (i % 10), campaignId).get("voucherId"));
        }
        Invariants.assertCampaignHolds(http, db, campaignId, 50, 2, acknowledged);

        long deleted = redis.scan(ScanOptions.scanOptions().match(rush.keyPrefix() + ":{c:" + campaignId + "}:*").build())
                .flatMap(redis::unlink).reduce(0L, Long::sum).block();
        assertThat(deleted).isPositive();
        assertThat(api.campaign(campaignId).get("remaining")).as("the pool is gone from Redis").isEqualTo(-1);

        http.post().uri("/api/v1/campaigns/{id}/rebuild", campaignId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.ok").isEqualTo(true)
                .jsonPath("$.remaining").isEqualTo(35)
                .jsonPath("$.stored").isEqualTo(15);

        assertThat((Map<String, Object>) api.campaign(campaignId)).containsEntry("remaining", 35).containsEntry("status", "OPEN");
        api.grab("holder-0", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("LIMIT_REACHED");
        api.grab("holder-9", campaignId, Fixtures.idempotencyKey()).expectStatus().isCreated();
        api.grab("newcomer", campaignId, Fixtures.idempotencyKey()).expectStatus().isCreated();
        assertThat((Map<String, Object>) api.campaign(campaignId)).containsEntry("remaining", 33);
    }

    @Test
    void rebuildOfAnUnknownCampaignIsNotFound() {
        http.post().uri("/api/v1/campaigns/{id}/rebuild", 99999999).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("CAMPAIGN_NOT_FOUND");
    }
}
