package org.fairrush.voucher;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.RushProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An Idempotency-Key's entry in Redis holds what a replay needs, the claim id, not the whole claim; a replay still
 * answers the first voucher, from Redis while the claim is pending and from Postgres once it is stored.
 */
@FairrushTest
class IdempotencyEntryTest {

    @Autowired
    WebTestClient http;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;

    @Test
    void anIdempotencyEntryHoldsOnlyTheClaimId() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 1));
        Map<?, ?> voucher = api.grabbed("m-1", campaignId);

        List<String> entries = redis.scan(ScanOptions.scanOptions().match(rush.keyPrefix() + ":{c:" + campaignId + "}:idem:*").build())
                .flatMap(key -> redis.opsForValue().get(key)).collectList().block();

        assertThat(entries).containsExactly((String) voucher.get("voucherId"));
    }

    @Test
    void aReplayAfterTheVoucherIsStoredAnswersTheSameVoucher() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 1));
        String key = Fixtures.idempotencyKey();
        Map<?, ?> first = api.grab("m-1", campaignId, key).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        await().atMost(Duration.ofSeconds(60)).until(() -> redis.opsForHash().size(rush.keyPrefix() + ":{c:" + campaignId + "}:pending").block() == 0);

        Map<?, ?> replayed = api.grab("m-1", campaignId, key).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(Map.class).returnResult().getResponseBody();

        assertThat(replayed).isEqualTo(first);
        assertThat(api.campaign(campaignId).get("remaining")).isEqualTo(9);
    }
}
