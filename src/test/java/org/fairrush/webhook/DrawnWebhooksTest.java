package org.fairrush.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.ShiftedClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Draws announced by webhook on the real stack: a randomized opening's draw arrives once as campaign.drawn, with a
 * voucher.granted per selected entry; a lottery fair's draw once as fair.drawn. Signed as every delivery. Windows close
 * by the test's clock.
 */
@FairrushTest
class DrawnWebhooksTest {

    static final ShiftedClock CLOCK = new ShiftedClock();
    static final String SEED = "drawn on stage";
    static final Duration ARRIVAL = Duration.ofSeconds(60);

    @TestBean(name = "clock")
    Clock clock;

    static Clock clock() {
        return CLOCK;
    }

    @Autowired
    WebTestClient http;
    @Autowired
    JsonMapper json;

    private final List<WebhookReceiver> receivers = new ArrayList<>();

    @BeforeEach
    void patientClient() {
        http = http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void closeReceivers() {
        receivers.forEach(WebhookReceiver::close);
    }

    @Test
    void aRandomizedOpeningsDrawArrivesOnceWithAGrantPerSelectedEntry() throws Exception {
        WebhookReceiver receiver = receiver();
        String secret = subscribe(receiver.url(), List.of("campaign.drawn", "voucher.granted"));
        Api api = new Api(http);
        Instant now = CLOCK.instant();
        Map<String, Object> body = Fixtures.campaign(2, 1, now.minusSeconds(1), now.plus(Duration.ofHours(1)), now.minusSeconds(1),
                now.plus(Duration.ofDays(3)), 2000, 3000);
        body.put("allocation", "RANDOMIZED_OPENING");
        body.put("openingWindow", "PT2M");
        body.put("seedCommitment", org.fairrush.draw.SeedCommitment.of(SEED).hex());
        long campaignId = api.createCampaign(body);
        IntStream.range(0, 5).forEach(i -> api.grab("drawn-hook-" + campaignId + "-" + i, campaignId, "entry-key-01").expectStatus().isAccepted());
        CLOCK.advance(Duration.ofMinutes(2));

        awaitDrawn("/api/v1/campaigns/{id}/draw", campaignId);

        await().atMost(ARRIVAL).until(() -> ofCampaign(receiver, campaignId, "voucher.granted").size() == 2
                && ofCampaign(receiver, campaignId, "campaign.drawn").size() == 1);
        WebhookReceiver.Received drawn = ofCampaign(receiver, campaignId, "campaign.drawn").get(0);
        assertThat(drawn.id()).isEqualTo("evt_campaign_drawn_" + campaignId);
        assertThat(data(drawn)).containsEntry("seed", SEED).containsEntry("entries", 5).containsEntry("selected", 2);
        for (WebhookReceiver.Received request : receiver.received()) {
            assertThat(WebhookReceiver.verifies(secret, request)).isTrue();
        }
    }

    @Test
    void aLotteryFairsDrawArrivesOnce() throws Exception {
        WebhookReceiver receiver = receiver();
        String secret = subscribe(receiver.url(), List.of("fair.drawn"));
        long fairId = createLotteryFair(CLOCK.instant().plus(Duration.ofMinutes(2)));
        IntStream.range(0, 3).forEach(i -> http.post().uri("/api/v1/fairs/{id}/registrations", fairId)
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken("drawn-merchant-" + fairId + "-" + i)))
                .header("Idempotency-Key", "registration-key-01").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "FOOD", "merchantName", "Stall " + i, "specialOffer", false))
                .exchange().expectStatus().is2xxSuccessful());
        CLOCK.advance(Duration.ofMinutes(2).plusSeconds(1));

        awaitDrawn("/api/v1/fairs/{id}/draw", fairId);

        await().atMost(ARRIVAL).until(() -> receiver.received().stream()
                .anyMatch(request -> request.id().equals("evt_fair_drawn_" + fairId)));
        List<WebhookReceiver.Received> drawn = receiver.received().stream()
                .filter(request -> request.id().equals("evt_fair_drawn_" + fairId)).toList();
        assertThat(data(drawn.get(0))).containsEntry("seed", SEED).containsEntry("algorithm", "sha256-rank-v1");
        assertThat(WebhookReceiver.verifies(secret, drawn.get(0))).isTrue();
    }

    private void awaitDrawn(String path, long id) {
        await().atMost(ARRIVAL).until(() -> http.post().uri(path, id).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("seed", SEED)).exchange()
                .returnResult(String.class).getStatus().is2xxSuccessful());
    }

    private long createLotteryFair(Instant closesAt) {
        Map<String, Object> body = Fixtures.fair("LOTTERY", CLOCK.instant().minusSeconds(60), closesAt,
                List.of(Fixtures.fairCategory("FOOD", 2, 0)));
        Map<?, ?> fair = http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) fair.get("id")).longValue();
    }

    private WebhookReceiver receiver() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        return receiver;
    }

    private String subscribe(String url, List<String> events) {
        Map<?, ?> created = http.post().uri("/api/v1/webhooks").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("url", url, "events", events))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return (String) created.get("secret");
    }

    private List<WebhookReceiver.Received> ofCampaign(WebhookReceiver receiver, long campaignId, String type) {
        return receiver.received().stream()
                .filter(request -> type.equals(json.readValue(request.body(), Map.class).get("type")))
                .filter(request -> data(request).get("campaignId") instanceof Number id && id.longValue() == campaignId)
                .collect(java.util.stream.Collectors.toMap(WebhookReceiver.Received::id, request -> request, (a, b) -> a))
                .values().stream().toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> data(WebhookReceiver.Received request) {
        return (Map<String, Object>) json.readValue(request.body(), Map.class).get("data");
    }
}
