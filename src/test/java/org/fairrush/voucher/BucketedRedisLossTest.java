package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.Invariants;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.TransferScripts;
import org.fairrush.rush.recovery.Reconciliation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rebuild of a campaign whose stock is split over buckets (docs/design.md section 11, note 34): after Redis lost
 * its state, or with a move between buckets still in a journal, every bucket is restored from Postgres so that the
 * remaining stock is the stock less the stored vouchers, each limit is still exact, replays whose records Redis kept
 * answer the same voucher, and exactly the stock is granted in the end.
 */
@FairrushTest
class BucketedRedisLossTest {

    private static final int BUCKETS = 8;
    private static final int STOCK = 50;
    private static final int LIMIT = 2;

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;
    @Autowired
    Reconciliation reconciliation;
    @Autowired
    TransferScripts transfers;

    /** The first 15 grabs: holder-0..4 reach the limit of 2, holder-5..9 hold 1. Idempotency-Key -> voucher id. */
    private Map<String, String> grabFifteen(Api api, long campaignId) {
        Map<String, String> vouchers = new LinkedHashMap<>();
        for (int i = 0; i < 15; i++) {
            String key = Fixtures.idempotencyKey();
            String member = "holder-" + (i % 10);
            Map<?, ?> granted = api.grab(member, campaignId, key).expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody();
            vouchers.put(key, (String) granted.get("voucherId"));
        }
        Invariants.assertCampaignHolds(http, db, campaignId, STOCK, LIMIT, vouchers.values());
        return vouchers;
    }

    @Test
    @SuppressWarnings("unchecked")
    void rebuildRestoresEveryBucketAfterRedisLostThem() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(bucketed());
        grabFifteen(api, campaignId);

        long deleted = Flux.just(":{c:" + campaignId + "}:*", ":{c:" + campaignId + "~*}:*")
                .flatMap(pattern -> redis.scan(ScanOptions.scanOptions().match(rush.keyPrefix() + pattern).build()))
                .flatMap(redis::unlink).reduce(0L, Long::sum).block();
        assertThat(deleted).isPositive();
        assertThat(api.campaign(campaignId).get("remaining")).as("the buckets are gone from Redis").isEqualTo(-1);

        rebuild(campaignId);

        assertThat((Map<String, Object>) api.campaign(campaignId)).containsEntry("remaining", STOCK - 15).containsEntry("status", "OPEN");
        for (int holder = 0; holder < 5; holder++) {
            api.grab("holder-" + holder, campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.code").isEqualTo("LIMIT_REACHED");
        }
        grantTheRestExactly(api, campaignId, 15);
    }

    @Test
    @SuppressWarnings("unchecked")
    void rebuildCancelsMovesInFlightAndKeepsTheIdempotencyRecordsRedisHeld() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(bucketed());
        Map<String, String> vouchers = grabFifteen(api, campaignId);

        // A move given and journalled whose receiver was never credited (its instance died between the steps).
        PoolRef whole = Campaigns.pool(campaignId);
        PoolKeys giver = new PoolKeys(rush.keyPrefix(), whole.inBucket(1));
        PoolKeys receiver = new PoolKeys(rush.keyPrefix(), whole.inBucket(2));
        String moveId = TransferScripts.newTransferId();
        TransferScripts.Given given = transfers.give(giver, moveId, 2, Instant.now()).block();
        assertThat(given.units()).as("bucket 1 had units to give").isPositive();
        // A lost write: the stock the rebuild must put right (the units left come from Postgres, not from Redis).
        redis.opsForValue().set(new PoolKeys(rush.keyPrefix(), whole.inBucket(3)).stock(), "999").block();

        rebuild(campaignId);

        assertThat(redis.opsForHash().size(giver.transfers()).block()).as("the journal is emptied").isZero();
        assertThat(transfers.receive(receiver, moveId, given.units()).block()).as("a late credit of the cancelled move").isFalse();
        assertThat((Map<String, Object>) api.campaign(campaignId)).containsEntry("remaining", STOCK - 15);

        // holder-0..4 hold 2 (the limit), holder-5..9 hold 1: each replay answers the voucher its key was granted.
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            members.add("holder-" + (i % 10));
        }
        List<String> keys = new ArrayList<>(vouchers.keySet());
        for (int i = 0; i < keys.size(); i++) {
            api.grab(members.get(i), campaignId, keys.get(i)).expectStatus().is2xxSuccessful()
                    .expectBody().jsonPath("$.voucherId").isEqualTo(vouchers.get(keys.get(i)));
        }
        api.grab("holder-0", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("LIMIT_REACHED");
        grantTheRestExactly(api, campaignId, 15);
    }

    private static Map<String, Object> bucketed() {
        Map<String, Object> body = Fixtures.openCampaign(STOCK, LIMIT);
        body.put("buckets", BUCKETS);
        return body;
    }

    private void rebuild(long campaignId) {
        http.post().uri("/api/v1/campaigns/{id}/rebuild", campaignId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.ok").isEqualTo(true)
                .jsonPath("$.total").isEqualTo(STOCK)
                .jsonPath("$.remaining").isEqualTo(STOCK - 15)
                .jsonPath("$.stored").isEqualTo(15);
    }

    /** New members, one grab each, are granted exactly the units left and then refused SOLD_OUT; everything reconciles. */
    private void grantTheRestExactly(Api api, long campaignId, int stored) {
        int granted = 0;
        for (int newcomer = 0; newcomer < STOCK - stored + 5; newcomer++) {
            int status = grabRetryingBusy(api, "newcomer-" + newcomer, campaignId);
            if (status == 201) {
                granted++;
            } else {
                assertThat(granted).as("refused only once the stock is gone").isEqualTo(STOCK - stored);
            }
        }
        assertThat(granted).as("exactly the units left are granted").isEqualTo(STOCK - stored);
        api.grab("one-more", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("SOLD_OUT");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(Invariants.storedIds(db, campaignId)).hasSize(STOCK);
            Reconciliation.PoolReport report = reconciliation.stock(Campaigns.pool(campaignId), BUCKETS).block();
            assertThat(report.total()).isEqualTo(STOCK);
            assertThat(report.remaining()).isZero();
            assertThat(report.difference()).isZero();
            assertThat(report.ok()).as(report.toString()).isTrue();
        });
    }

    /** A 503 (units on their way between buckets) is asked again, as a client would. */
    private static int grabRetryingBusy(Api api, String member, long campaignId) {
        String key = Fixtures.idempotencyKey();
        for (int attempt = 0; attempt < 50; attempt++) {
            int status = api.grab(member, campaignId, key).returnResult(String.class).getStatus().value();
            if (status != 503) {
                return status;
            }
        }
        throw new AssertionError(member + " was answered busy 50 times");
    }
}
