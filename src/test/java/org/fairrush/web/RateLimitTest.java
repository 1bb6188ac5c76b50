package org.fairrush.web;

import java.util.List;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** A burst from one member is cut at the configured rate; other members are not; a venue's address is bounded too. */
@FairrushTest
@TestPropertySource(properties = {
        "fairrush.web.per-caller.capacity=5", "fairrush.web.per-caller.period=1h",
        "fairrush.web.per-address.capacity=12", "fairrush.web.per-address.period=1h"})
class RateLimitTest {

    @Autowired
    WebTestClient http;

    private List<Integer> burst(Api api, String member, long campaignId, int requests) {
        return IntStream.range(0, requests)
                .mapToObj(i -> api.grab(member, campaignId, Fixtures.idempotencyKey()).returnResult(String.class).getStatus().value())
                .toList();
    }

    @Test
    void cutsABurstFromOneMemberThenFromOneAddressAndSaysWhenToComeBack() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(100, 100));

        assertThat(burst(api, "hammering-member", campaignId, 8)).containsExactly(201, 201, 201, 201, 201, 429, 429, 429);
        api.grab("hammering-member", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(429)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("RATE_LIMITED");
        assertThat(burst(api, "patient-member", campaignId, 5)).as("another member is unaffected").containsOnly(201);
        assertThat(burst(api, "third-member", campaignId, 4)).as("the address's 12 a minute are used up")
                .containsExactly(201, 201, 429, 429);
        assertThat(api.campaign(campaignId).get("remaining")).as("refused requests took nothing").isEqualTo(88);
    }
}
