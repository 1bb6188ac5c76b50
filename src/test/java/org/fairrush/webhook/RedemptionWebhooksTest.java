package org.fairrush.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.RefundApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * voucher.redeemed and voucher.refunded on the real stack: redemptions and refunds through the API (Postgres
 * transactions that add their event to the outbox), relayed into deliveries and sent to a real HTTP receiver.
 */
@FairrushTest
class RedemptionWebhooksTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(60);
    private static final List<String> TYPES = List.of("voucher.redeemed", "voucher.refunded");

    @Autowired
    WebTestClient http;
    @Autowired
    JsonMapper json;

    private WebhookAdmin admin;
    private RefundApi api;

    @BeforeEach
    void setUp() {
        http = http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        admin = new WebhookAdmin(http, json);
        api = new RefundApi(http);
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    @Test
    void aRedemptionAndItsRefundArriveOnceEachWithTheirDataAndAVerifiableSignature() throws Exception {
        WebhookReceiver receiver = admin.receiver();
        Map<?, ?> subscription = admin.subscribe(receiver.url(), TYPES);
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(5, 1));
        String code = api.storedVoucher("hook-redeemer", campaignId);
        Object voucherId = api.api().wallet("hook-redeemer").get(0).get("voucherId");
        api.api().redeem("hook-till", Fixtures.idempotencyKey(), code, 1000).expectStatus().isEqualTo(422);
        String key = Fixtures.idempotencyKey();
        Map<?, ?> redemption = api.api().redeem("hook-till", key, code, 4500).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        api.api().redeem("hook-till", key, code, 4500).expectStatus().isCreated();
        Map<?, ?> refund = api.refund("hook-till", redemption.get("redemptionId")).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        api.refund("hook-till", redemption.get("redemptionId")).expectStatus().isOk()
                .expectHeader().valueEquals("Idempotent-Replayed", "true");

        await().atMost(ARRIVAL).until(() -> receiver.received().size() >= 2);

        List<WebhookReceiver.Received> arrived = receiver.received();
        assertThat(arrived).extracting(request -> admin.body(request).get("type")).containsExactly("voucher.redeemed", "voucher.refunded");
        assertThat(arrived).extracting(WebhookReceiver.Received::id).containsExactly(
                "evt_redeemed_" + redemption.get("redemptionId"), "evt_refunded_" + redemption.get("redemptionId"));
        for (WebhookReceiver.Received request : arrived) {
            assertThat(WebhookReceiver.verifies((String) subscription.get("secret"), request)).as(request.toString()).isTrue();
            assertThat(admin.data(request)).containsEntry("redemptionId", redemption.get("redemptionId"))
                    .containsEntry("voucherId", voucherId).containsEntry("campaignId", (int) campaignId)
                    .containsEntry("memberId", "hook-redeemer").containsEntry("merchantId", "hook-till")
                    .containsEntry("orderAmountCents", 4500).containsEntry("discountCents", redemption.get("discountCents"))
                    .containsEntry("payableCents", redemption.get("payableCents"))
                    .containsEntry("redeemedAt", redemption.get("redeemedAt"));
        }
        assertThat(admin.body(arrived.get(0)).get("timestamp")).isEqualTo(redemption.get("redeemedAt"));
        assertThat(admin.data(arrived.get(1)).get("refundedAt")).isEqualTo(refund.get("refundedAt"));
        assertThat(admin.body(arrived.get(1)).get("timestamp")).isEqualTo(refund.get("refundedAt"));
        // The refused attempt, the replayed redemption and the replayed refund announced nothing.
        assertThat(admin.deliveries(subscription)).hasSize(2);
    }

    @Test
    void aReceiverDownForAWhileGetsTheRedemptionAndTheRefundAfterwards() throws Exception {
        WebhookReceiver receiver = admin.receiver();
        Map<?, ?> subscription = admin.subscribe(receiver.url(), TYPES);
        receiver.stop();
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(5, 1));
        String code = api.storedVoucher("hook-redeemer-down", campaignId);
        Object redemptionId = api.redeemed("hook-till-down", code, 4500).get("redemptionId");
        api.refund("hook-till-down", redemptionId).expectStatus().isOk();

        await().atMost(ARRIVAL).until(() -> admin.deliveries(subscription).size() == 2 && admin.deliveries(subscription).stream()
                .allMatch(delivery -> ((Number) delivery.get("attempts")).intValue() >= 2));
        assertThat(admin.deliveries(subscription)).allMatch(delivery -> "PENDING".equals(delivery.get("status")));
        receiver.start();

        await().atMost(ARRIVAL).until(() -> admin.deliveries(subscription).stream()
                .allMatch(delivery -> "DELIVERED".equals(delivery.get("status"))));
        assertThat(receiver.received()).extracting(WebhookReceiver.Received::id).containsExactlyInAnyOrder(
                "evt_redeemed_" + redemptionId, "evt_refunded_" + redemptionId);
        for (WebhookReceiver.Received request : receiver.received()) {
            assertThat(WebhookReceiver.verifies((String) subscription.get("secret"), request)).isTrue();
            assertThat(admin.data(request).get("redemptionId")).isEqualTo(redemptionId);
        }
    }
}
