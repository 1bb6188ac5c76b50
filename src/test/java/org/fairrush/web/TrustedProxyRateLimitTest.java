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

/**
 * Behind our own proxy (here the test client's 127.0.0.1), the per-address limit counts the address the proxy saw,
 * never one the client wrote into X-Forwarded-For, and no header value makes the service fail.
 */
@FairrushTest
@TestPropertySource(properties = {
        "fairrush.web.trusted-proxies=127.0.0.1/32,::1/128",
        "fairrush.web.per-caller.capacity=1000", "fairrush.web.per-caller.period=1m",
        "fairrush.web.per-address.capacity=3", "fairrush.web.per-address.period=1h",
        // A sold-out mark trusted for the whole test, however slow the machine (see soldOutAnswersSpendNoneOfTheAddresssBudget).
        "fairrush.rush.sold-out-recheck=1h"})
class TrustedProxyRateLimitTest {

    @Autowired
    WebTestClient http;

    private int grab(long campaignId, String member, String forwardedFor) {
        return grab(campaignId, member, forwardedFor, Fixtures.idempotencyKey());
    }

    private int grab(long campaignId, String member, String forwardedFor, String idempotencyKey) {
        return http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                .headers(h -> h.setBearerAuth(Fixtures.memberToken(member)))
                .header("Idempotency-Key", idempotencyKey)
                .header("X-Forwarded-For", forwardedFor)
                .exchange().returnResult(String.class).getStatus().value();
    }

    private List<Integer> burst(long campaignId, String client, int requests, java.util.function.IntFunction<String> forwardedFor) {
        return IntStream.range(0, requests).mapToObj(i -> grab(campaignId, client + "-member-" + i, forwardedFor.apply(i))).toList();
    }

    @Test
    void twoClientsBehindTheProxyHaveABucketEach() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(100, 1));

        assertThat(burst(campaignId, "a", 3, i -> "203.0.113.7")).containsOnly(201);
        assertThat(burst(campaignId, "b", 3, i -> "203.0.113.8")).as("another client's bucket").containsOnly(201);
        assertThat(burst(campaignId, "a2", 1, i -> "203.0.113.7")).containsExactly(429);
    }

    @Test
    void aClientWritingItsOwnForwardedForStillSpendsItsOwnBucket() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(100, 1));

        // What the proxy passes on: the client's own header, then the address the proxy saw appended.
        assertThat(burst(campaignId, "spoofer", 5, i -> "198.51.100." + i + ", 203.0.113.20"))
                .containsExactly(201, 201, 201, 429, 429);
    }

    /**
     * A campaign known to be sold out is answered before the limits (docs/design.md section 11, note 51): a venue's
     * members hammering "grab" on it are told SOLD_OUT and spend none of the address's budget, so the same Wi-Fi can
     * still grab another campaign. A replay of the one voucher granted still gets it (through the limits).
     */
    @Test
    void soldOutAnswersSpendNoneOfTheAddresssBudget() {
        Api api = new Api(http);
        long soldOut = api.createCampaign(Fixtures.openCampaign(1, 1));
        long open = api.createCampaign(Fixtures.openCampaign(100, 1));
        String venue = "203.0.113.30";
        String firstKey = Fixtures.idempotencyKey();

        assertThat(grab(soldOut, "venue-first", venue, firstKey)).as("the one voucher; the address's first token").isEqualTo(201);
        // The grant of the last unit told the sold-out board: from here on the campaign is known sold out.
        assertThat(IntStream.range(0, 7).mapToObj(i -> grab(soldOut, "venue-late-" + i, venue, Fixtures.idempotencyKey())).toList())
                .as("known sold out: answered before the limits").containsOnly(409);
        http.post().uri("/api/v1/campaigns/{id}/grabs", soldOut)
                .headers(h -> h.setBearerAuth(Fixtures.memberToken("venue-first")))
                // From home: a replay is a claim tried again, which passes the limits (and would spend the venue's token).
                .header("Idempotency-Key", firstKey).header("X-Forwarded-For", "203.0.113.31")
                .exchange().expectStatus().isCreated().expectHeader().valueEquals(Caller.IDEMPOTENT_REPLAYED, "true");
        assertThat(IntStream.range(0, 3).mapToObj(i -> grab(open, "venue-other-" + i, venue, Fixtures.idempotencyKey())).toList())
                .as("the address's second and third tokens, still there, then its limit").containsExactly(201, 201, 429);
    }

    @Test
    void junkInTheHeaderNeverFailsTheRequestAndCountsAgainstTheProxy() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(100, 1));
        List<String> junk = List.of("not-an-address", "1.2.3.4:notaport", "[::1", "::::", "unknown", "1.2.3.256, ",
                "\u2603", "fe80::1%eth0", "9".repeat(4000), ",,,", "_hidden", "[2001:db8::1]:99999");

        List<Integer> statuses = IntStream.range(0, junk.size())
                .mapToObj(i -> grab(campaignId, "junk-member-" + i, junk.get(i))).toList();

        assertThat(statuses).as("never 5xx").allMatch(status -> status < 500);
        assertThat(statuses.subList(0, 3)).containsOnly(201);
        assertThat(statuses.subList(3, statuses.size())).as("the proxy's one bucket, not a fresh one per junk value").containsOnly(429);
    }
}
