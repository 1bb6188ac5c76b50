package org.fairrush.web;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst from one member is cut at the configured rate; other members are not; a venue's address is bounded too.
 * Periods of an hour: the buckets refill greedily, so with a minute a slow machine saw a token come back mid-test.
 */
@FairrushTest
@SuppressWarnings("unchecked")
@TestPropertySource(properties = {
        "fairrush.web.per-caller.capacity=5", "fairrush.web.per-caller.period=1h",
        "fairrush.web.per-address.capacity=12", "fairrush.web.per-address.period=1h",
        "fairrush.web.per-caller-other.capacity=6", "fairrush.web.per-caller-other.period=1h"})
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
        assertThat(burst(api, "third-member", campaignId, 4)).as("the address's 12 an hour are used up")
                .containsExactly(201, 201, 429, 429);
        assertThat(api.campaign(campaignId).get("remaining")).as("refused requests took nothing").isEqualTo(88);
    }

    /**
     * Every documented route, called again and again by one caller, meets its limit: 429 RATE_LIMITED with Retry-After.
     * Ids that do not exist and empty bodies keep the calls free of side effects. The live stream is left out: it
     * stays open (its limit is applied by the same filter as the other routes').
     */
    @Test
    void everyRouteOfTheDocumentIsRateLimited() {
        WebTestClient patient = http.mutate().responseTimeout(java.time.Duration.ofMinutes(1))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(8 * 1024 * 1024)).build();
        Map<?, ?> document = patient.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        List<String> unlimited = new java.util.ArrayList<>();
        ((Map<String, Map<String, ?>>) document.get("paths")).forEach((path, operations) -> operations.keySet().forEach(method -> {
            if (path.endsWith("/ops/live")) {
                return;
            }
            String uri = path.replace("{id}", "987654321").replace("{registrationId}", java.util.UUID.randomUUID().toString())
                    .replace("{redemptionId}", java.util.UUID.randomUUID().toString()).replace("{voucherId}", java.util.UUID.randomUUID().toString());
            String caller = "limited-" + java.util.UUID.randomUUID();
            List<String> roles = List.of("MEMBER", "MERCHANT", "ADMIN");
            boolean limited = false;
            for (int call = 0; call < 10 && !limited; call++) {
                int status = patient.method(org.springframework.http.HttpMethod.valueOf(method.toUpperCase())).uri(uri)
                        .headers(h -> h.setBearerAuth(org.fairrush.devstack.DevTokens.issue(caller, roles, java.time.Duration.ofHours(1))))
                        .header("Idempotency-Key", Fixtures.idempotencyKey())
                        .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue("{}")
                        .exchange().returnResult(String.class).getStatus().value();
                limited = status == 429;
            }
            if (!limited) {
                unlimited.add(method.toUpperCase() + " " + path);
            }
        }));
        assertThat(unlimited).as("routes without a rate limit").isEmpty();
    }
}
