package org.fairrush.voucher;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.RefundApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** Merchants refunding redemptions within the campaign's refund window: the voucher usable again, exactly once. */
@FairrushTest
class RefundTest {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @LocalServerPort
    int port;

    private RefundApi api;

    @BeforeEach
    void setUp() {
        api = new RefundApi(http);
    }

    private String storedVoucher(String member, Map<String, Object> campaign) {
        return api.storedVoucher(member, api.api().createCampaign(campaign));
    }

    @Test
    void aRefundedVoucherIsIssuedAgainAndRedeemedAgain() {
        String code = storedVoucher("member-f1", Fixtures.openCampaign(10, 1));
        Map<String, Object> redemption = api.redeemed("stall-f1", code, 4500);

        api.refund("stall-f1", redemption.get("redemptionId")).expectStatus().isOk()
                .expectHeader().valueEquals("Idempotent-Replayed", "false")
                .expectBody()
                .jsonPath("$.status").isEqualTo("REFUNDED")
                .jsonPath("$.refundedAt").isNotEmpty()
                .jsonPath("$.discountCents").isEqualTo(2000);
        assertThat(api.api().wallet("member-f1").get(0).get("status")).isEqualTo("ISSUED");

        Map<String, Object> again = api.redeemed("stall-f2", code, 3000);
        assertThat(again.get("redemptionId")).isNotEqualTo(redemption.get("redemptionId"));
        assertThat(again.get("status")).isEqualTo("REDEEMED");
        assertThat(api.api().wallet("member-f1").get(0).get("status")).isEqualTo("REDEEMED");
    }

    @Test
    void aSecondRefundAnswersTheFirstAndChangesNothing() {
        String code = storedVoucher("member-f2", Fixtures.openCampaign(10, 1));
        Object redemptionId = api.redeemed("stall-f1", code, 4500).get("redemptionId");
        String refundedAt = (String) api.refund("stall-f1", redemptionId).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("refundedAt");

        api.refund("stall-f1", redemptionId).expectStatus().isOk()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.refundedAt").isEqualTo(refundedAt);
    }

    @Test
    void refusesARefundAfterTheWindow() {
        Map<String, Object> campaign = Fixtures.openCampaign(10, 1);
        // A window of zero has closed the moment the voucher is redeemed: no clock needs to move.
        campaign.put("refundWindow", "PT0S");
        String code = storedVoucher("member-f3", campaign);
        Object redemptionId = api.redeemed("stall-f1", code, 4500).get("redemptionId");

        api.refund("stall-f1", redemptionId).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("REFUND_WINDOW_CLOSED");
        assertThat(api.api().wallet("member-f3").get(0).get("status")).isEqualTo("REDEEMED");
    }

    @Test
    void onlyTheMerchantWhoRedeemedMayRefund() {
        String code = storedVoucher("member-f4", Fixtures.openCampaign(10, 1));
        Object redemptionId = api.redeemed("stall-f1", code, 4500).get("redemptionId");

        api.refund("stall-other", redemptionId).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
        assertThat(api.api().wallet("member-f4").get(0).get("status")).isEqualTo("REDEEMED");
    }

    @Test
    void anUnknownRedemptionIsNotFoundAndAMalformedIdInvalid() {
        api.refund("stall-f1", "00000000-0000-0000-0000-000000000000").expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("REDEMPTION_NOT_FOUND");
        api.refund("stall-f1", "not-a-uuid").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void refusesARefundWindowLongerThanAYear() {
        Map<String, Object> campaign = Fixtures.openCampaign(10, 1);
        campaign.put("refundWindow", "P400D");
        http.post().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(campaign)
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("refundWindow");
    }

    /** The status of a call and whether it answered an earlier refund again. */
    private record Answer(String kind, String merchant, int status, boolean replayed, String redemptionId) {
    }

    private Mono<Answer> call(WebClient client, String kind, String uri, String merchant, Object body) {
        var request = client.post().uri(uri).headers(h -> h.setBearerAuth(Fixtures.merchantToken(merchant))).header("Idempotency-Key", Fixtures.idempotencyKey());
        var withBody = body == null ? request : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return withBody.exchangeToMono(response -> response.bodyToMono(Map.class).defaultIfEmpty(Map.of())
                .map(json -> new Answer(kind, merchant, response.statusCode().value(),
                        "true".equals(response.headers().asHttpHeaders().getFirst("Idempotent-Replayed")),
                        (String) json.get("redemptionId"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void refundsRacingRefundsAndRedemptionsChangeTheVoucherExactlyOnceEach() {
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(10, 1));
        String code = api.storedVoucher("member-f5", campaignId);
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        String merchant = "stall-race-0";
        String current = (String) api.redeemed(merchant, code, 5000).get("redemptionId");
        int redeemedCount = 1;
        int rounds = 6;

        for (int round = 1; round <= rounds; round++) {
            String refunder = merchant;
            String refunded = current;
            int r = round;
            List<Answer> answers = Flux.merge(
                            Flux.range(0, 8).flatMap(i -> call(client, "refund", "/api/v1/redemptions/" + refunded + "/refund",
                                    refunder, null)),
                            Flux.range(0, 8).flatMap(i -> call(client, "redeem", "/api/v1/redemptions",
                                    "stall-race-" + r + "-" + i, Map.of("voucherCode", code, "orderAmountCents", 5000))))
                    .collectList().block(Duration.ofSeconds(60));

            List<Answer> refunds = answers.stream().filter(a -> a.kind().equals("refund")).toList();
            List<Answer> redemptions = answers.stream().filter(a -> a.kind().equals("redeem")).toList();
            assertThat(refunds).as("round %d", round).allMatch(a -> a.status() == 200);
            assertThat(refunds).as("round %d: refunded once", round).filteredOn(a -> !a.replayed()).hasSize(1);
            assertThat(redemptions).as("round %d", round).allMatch(a -> a.status() == 201 || a.status() == 409);
            List<Answer> won = redemptions.stream().filter(a -> a.status() == 201).toList();
            assertThat(won).as("round %d: redeemed at most once", round).hasSizeLessThanOrEqualTo(1);
            if (won.isEmpty()) {
                // Every redemption came before the refund: redeem the reissued voucher now.
                merchant = "stall-race-" + round + "-late";
                current = (String) api.redeemed(merchant, code, 5000).get("redemptionId");
            } else {
                merchant = won.get(0).merchant();
                current = won.get(0).redemptionId();
            }
            redeemedCount++;
        }

        Map<String, Long> rows = db.sql("select count(*) as total, count(r.refunded_at) as refunded, "
                        + "count(*) filter (where r.refunded_at is null) as standing, count(v.redeemed_at) filter (where r.refunded_at is null) as marked "
                        + "from redemption r join voucher v on v.id = r.voucher_id where v.code = :code")
                .bind("code", code)
                .map(row -> Map.of("total", row.get("total", Long.class), "refunded", row.get("refunded", Long.class),
                        "standing", row.get("standing", Long.class), "marked", row.get("marked", Long.class)))
                .one().block();
        assertThat(rows).containsEntry("total", (long) redeemedCount).containsEntry("refunded", (long) rounds)
                .containsEntry("standing", 1L).containsEntry("marked", 1L);
        Map<String, Object> settlement = api.report("/api/v1/campaigns/{id}/settlement", campaignId);
        assertThat((Map<String, Object>) settlement.get("totals")).as("the settlement counts the same rows")
                .containsEntry("redemptions", redeemedCount).containsEntry("refunds", rounds)
                .containsEntry("orderAmountCents", 5000).containsEntry("discountCents", 2000);
    }
}
