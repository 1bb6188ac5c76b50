package org.fairrush.voucher;

import java.time.Clock;
import java.time.Duration;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.DailyCounters;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.recovery.Reconciliation;
import org.fairrush.rush.recovery.ScopeRebuild;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Staff pause a campaign through one instance; another instance, which had served the campaign before and
 * keeps its details in memory, runs the rebuild. The campaign must stay paused: the flag has one source of
 * truth (Postgres, and Redis for the grab path), never another instance's memory.
 */
@FairrushTest
class PausedAcrossInstancesTest {

    @Autowired
    WebTestClient http;
    @Autowired
    CampaignRepository repository;
    @Autowired
    Openings openings;
    @Autowired
    PoolRegistry poolRegistry;
    @Autowired
    PoolQueries poolQueries;
    @Autowired
    TransactionalOperator transaction;
    @Autowired
    Clock clock;
    @Autowired
    ScopeRebuild rebuild;
    @Autowired
    Reconciliation reconciliation;
    @Autowired
    DatabaseClient db;
    @Autowired
    DailyCounters dailyCounters;

    @Test
    void aRebuildOnAnotherInstanceLeavesAPausedCampaignPaused() {
        // A grab that is wrongly let through waits for Kafka; give it time to answer rather than time out.
        Api api = new Api(http.mutate().responseTimeout(Duration.ofSeconds(30)).build());
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 1));
        Campaigns otherInstance = new Campaigns(repository, openings, poolRegistry, poolQueries, transaction, clock);
        otherInstance.find(campaignId).block();

        http.post().uri("/api/v1/campaigns/{id}/pause", campaignId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk();
        new RebuildingCampaign(otherInstance, rebuild, reconciliation, db, dailyCounters, clock).rebuild(campaignId).block();

        api.grab("member-after-rebuild", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("PAUSED");
    }
}
