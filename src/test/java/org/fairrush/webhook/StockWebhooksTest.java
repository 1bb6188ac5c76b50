package org.fairrush.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * campaign.low_stock and campaign.sold_out on the real stack: grabs through the API, counted by the webhook consumer
 * group once the persister stored them, sent once per campaign to a real HTTP receiver.
 */
@FairrushTest
class StockWebhooksTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    @Autowired
    WebTestClient http;
    @Autowired
    JsonMapper json;

    private WebhookAdmin admin;
    private Api api;

    @BeforeEach
    void setUp() {
        http = http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        admin = new WebhookAdmin(http, json);
        api = new Api(http);
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    @Test
    void aCampaignRunningLowAndSellingOutIsAnnouncedOnceEach() throws Exception {
        WebhookReceiver receiver = admin.receiver();
        Map<?, ?> subscription = admin.subscribe(receiver.url(), List.of("voucher.granted", "campaign.low_stock", "campaign.sold_out"));
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 1));
        for (int member = 0; member < 8; member++) {
            granted("hook-stock-" + member, campaignId);
        }
        await().atMost(ARRIVAL).until(() -> typesFor(subscription).size() == 8);
        assertThat(typesFor(subscription)).containsOnly("voucher.granted");

        for (int member = 8; member < 10; member++) {
            granted("hook-stock-" + member, campaignId);
        }
        api.grab("hook-stock-late", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409);

        await().atMost(ARRIVAL).until(() -> receiver.received().stream().filter(request -> admin.body(request).get("type")
                .toString().startsWith("campaign.")).count() == 2);
        List<WebhookReceiver.Received> stockEvents = receiver.received().stream()
                .filter(request -> admin.body(request).get("type").toString().startsWith("campaign.")).toList();
        assertThat(stockEvents).extracting(WebhookReceiver.Received::id)
                .containsExactly("evt_campaign_low_stock_" + campaignId, "evt_campaign_sold_out_" + campaignId);
        WebhookReceiver.Received low = stockEvents.get(0);
        assertThat(WebhookReceiver.verifies((String) subscription.get("secret"), low)).isTrue();
        assertThat(admin.data(low)).containsEntry("campaignId", (int) campaignId).containsEntry("stock", 10)
                .containsEntry("lowStockAt", 1);
        assertThat(((Number) admin.data(low).get("remaining")).intValue()).isBetween(0, 1);
        WebhookReceiver.Received soldOut = stockEvents.get(1);
        assertThat(WebhookReceiver.verifies((String) subscription.get("secret"), soldOut)).isTrue();
        assertThat(admin.data(soldOut)).containsEntry("campaignId", (int) campaignId).containsEntry("stock", 10);
        await().atMost(ARRIVAL).until(() -> typesFor(subscription).size() == 12);
        assertThat(typesFor(subscription)).filteredOn(type -> type.startsWith("campaign.")).hasSize(2);
    }

    /** A grab that must be granted, retried with its key while the (busy) service answers 503, as a mini-program would. */
    private void granted(String member, long campaignId) {
        String key = Fixtures.idempotencyKey();
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(500))
                .until(() -> api.grab(member, campaignId, key).returnResult(Void.class).getStatus().value() == 201);
    }

    /** The types of the subscription's recorded deliveries (one per event). */
    private List<String> typesFor(Map<?, ?> subscription) {
        return admin.deliveries(subscription).stream().map(delivery -> (String) delivery.get("type")).toList();
    }
}
