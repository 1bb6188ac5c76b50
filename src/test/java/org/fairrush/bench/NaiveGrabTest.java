package org.fairrush.bench;

import java.util.concurrent.atomic.AtomicLong;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's naive peer answers like the durable grab: 201 with a voucher, 409 SOLD_OUT, replays. */
@FairrushTest
class NaiveGrabTest {

    private static final AtomicLong CAMPAIGNS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient db;

    private long naiveCampaign(int stock) {
        long id = CAMPAIGNS.incrementAndGet();
        db.sql("insert into bench_naive_campaign values (:id, 'Naive', :stock, 2000, 3000, now(), now() + interval '7 days')")
                .bind("id", id).bind("stock", stock).then().block();
        return id;
    }

    private WebTestClient.ResponseSpec grab(long campaign, String member, String key) {
        return http.post().uri("/api/v1/bench/naive-campaigns/{id}/grabs", campaign)
                .header("Authorization", "Bearer " + Fixtures.memberToken(member))
                .header("Idempotency-Key", key)
                .exchange();
    }

    @Test
    void grantsTheLastVoucherThenAnswersSoldOut() {
        long campaign = naiveCampaign(1);

        grab(campaign, "naive-1", "naive-key-0001").expectStatus().isCreated()
                .expectBody().jsonPath("$.campaignId").isEqualTo(campaign).jsonPath("$.memberId").isEqualTo("naive-1");
        grab(campaign, "naive-2", "naive-key-0002").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("SOLD_OUT");
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheSameVoucherAndTakesNoStock() {
        long campaign = naiveCampaign(5);
        String first = grab(campaign, "naive-3", "naive-key-0003").expectStatus().isCreated()
                .expectBody(NaiveGrabConfiguration.NaiveVoucher.class).returnResult().getResponseBody().code();

        grab(campaign, "naive-3", "naive-key-0003").expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.code").isEqualTo(first);

        assertThat(db.sql("select remaining from bench_naive_campaign where id = :id").bind("id", campaign)
                .map(row -> row.get(0, Integer.class)).one().block()).isEqualTo(4);
    }
}
