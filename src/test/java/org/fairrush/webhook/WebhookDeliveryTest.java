package org.fairrush.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks on the real stack: grabs and registrations through the API, their claims through Kafka and the webhook
 * consumer group, deliveries from Postgres to a real HTTP receiver, verified as a receiver verifies them.
 */
@FairrushTest
class WebhookDeliveryTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    private final List<String> subscriptions = new ArrayList<>();

    /** Answers wait longer than WebTestClient's 5 s: the machine running the tests may be busy. */
    @BeforeEach
    void patientClient() {
        http = http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    private final List<WebhookReceiver> receivers = new ArrayList<>();

    @AfterEach
    void unsubscribe() {
        subscriptions.forEach(id -> http.delete().uri("/api/v1/webhooks/{id}", id).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isNoContent());
        receivers.forEach(WebhookReceiver::close);
    }

    @Test
    void everyGrantedVoucherArrivesSignedWithItsSubscriptionsSecret() throws Exception {
        WebhookReceiver receiver = receiver();
        Map<?, ?> subscription = subscribe(receiver.url(), List.of("voucher.granted"));
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(5, 1));
        Set<Object> granted = new java.util.HashSet<>();
        for (int member = 0; member < 5; member++) {
            granted.add(api.grabbed("hook-member-" + member, campaignId).get("voucherId"));
        }

        await().atMost(ARRIVAL).until(() -> distinctIds(forCampaign(receiver, campaignId)).size() == 5);

        List<WebhookReceiver.Received> arrived = forCampaign(receiver, campaignId);
        for (WebhookReceiver.Received request : arrived) {
            assertThat(WebhookReceiver.verifies((String) subscription.get("secret"), request)).as(request.toString()).isTrue();
            assertThat(body(request).get("type")).isEqualTo("voucher.granted");
            assertThat(body(request).get("timestamp")).isNotNull();
        }
        assertThat(arrived.stream().map(request -> data(request).get("voucherId")).collect(Collectors.toSet()))
                .isEqualTo(granted.stream().map(String::valueOf).collect(Collectors.toSet()));
        assertThat(arrived.stream().map(request -> data(request).get("memberId")).collect(Collectors.toSet()))
                .hasSize(5).allMatch(member -> String.valueOf(member).startsWith("hook-member-"));
    }

    @Test
    void aSignatureMadeWithAnotherSecretDoesNotVerify() throws Exception {
        WebhookReceiver receiver = receiver();
        subscribe(receiver.url(), List.of("voucher.granted"));
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(1, 1));
        api.grabbed("hook-other-secret", campaignId);

        await().atMost(ARRIVAL).until(() -> !forCampaign(receiver, campaignId).isEmpty());

        assertThat(WebhookReceiver.verifies(Signature.newSecret(), forCampaign(receiver, campaignId).get(0))).isFalse();
    }

    @Test
    void aReceiverDownForAWhileGetsEverythingAfterwards() throws Exception {
        WebhookReceiver receiver = receiver();
        Map<?, ?> subscription = subscribe(receiver.url(), List.of("voucher.granted"));
        receiver.stop();
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(3, 1));
        for (int member = 0; member < 3; member++) {
            api.grabbed("hook-down-" + member, campaignId);
        }

        await().atMost(ARRIVAL).until(() -> deliveries(subscription).stream()
                .filter(delivery -> ((Number) delivery.get("attempts")).intValue() >= 2).count() >= 3);
        assertThat(deliveries(subscription)).allMatch(delivery -> "PENDING".equals(delivery.get("status")));
        receiver.start();

        await().atMost(ARRIVAL).until(() -> distinctIds(forCampaign(receiver, campaignId)).size() == 3);
        await().atMost(ARRIVAL).until(() -> deliveries(subscription).stream().allMatch(delivery -> "DELIVERED".equals(delivery.get("status"))));
        for (WebhookReceiver.Received request : forCampaign(receiver, campaignId)) {
            assertThat(WebhookReceiver.verifies((String) subscription.get("secret"), request)).isTrue();
        }
    }

    @Test
    void aReceiverThatHangsDoesNotHoldBackAnotherReceiver() throws Exception {
        WebhookReceiver hanging = receiver();
        hanging.hang();
        Map<?, ?> stuck = subscribe(hanging.url(), List.of("voucher.granted"));
        WebhookReceiver healthy = receiver();
        subscribe(healthy.url(), List.of("voucher.granted"));
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(4, 1));
        for (int member = 0; member < 4; member++) {
            api.grabbed("hook-hang-" + member, campaignId);
        }

        await().atMost(ARRIVAL).until(() -> distinctIds(forCampaign(healthy, campaignId)).size() == 4);

        assertThat(deliveries(stuck)).noneMatch(delivery -> "DELIVERED".equals(delivery.get("status")));
    }

    @Test
    void aRetriedDeliveryCarriesTheSameIdAndBody() throws Exception {
        WebhookReceiver receiver = receiver();
        Map<?, ?> subscription = subscribe(receiver.url(), List.of("voucher.granted"));
        receiver.failNext(2);
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(1, 1));
        api.grabbed("hook-retried", campaignId);

        await().atMost(ARRIVAL).until(() -> forCampaign(receiver, campaignId).size() >= 3);

        List<WebhookReceiver.Received> attempts = forCampaign(receiver, campaignId);
        assertThat(attempts.stream().map(WebhookReceiver.Received::id).distinct()).hasSize(1);
        assertThat(attempts.stream().map(WebhookReceiver.Received::body).distinct()).hasSize(1);
        for (WebhookReceiver.Received attempt : attempts) {
            assertThat(WebhookReceiver.verifies((String) subscription.get("secret"), attempt)).isTrue();
        }
        await().atMost(ARRIVAL).until(() -> "DELIVERED".equals(deliveries(subscription).get(0).get("status")));
        assertThat(deliveries(subscription).get(0).get("attempts")).isEqualTo(3);
    }

    @Test
    void aRegistrationsEventsArriveInTheOrderTheyHappened() throws Exception {
        WebhookReceiver receiver = receiver();
        subscribe(receiver.url(), List.of("registration.confirmed", "registration.waitlisted", "registration.cancelled"));
        long fairId = createFair();
        String first = register(fairId, "hook-stall-1");
        String second = register(fairId, "hook-stall-2");
        http.delete().uri("/api/v1/fairs/{fair}/registrations/{id}", fairId, first)
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken("hook-stall-1"))).exchange().expectStatus().isNoContent();

        await().atMost(ARRIVAL).until(() -> typesOf(receiver, first).size() == 2 && typesOf(receiver, second).size() == 2);

        assertThat(typesOf(receiver, first)).containsExactly("registration.confirmed", "registration.cancelled");
        assertThat(typesOf(receiver, second)).containsExactly("registration.waitlisted", "registration.confirmed");
    }

    @Test
    void refusesUnknownEventTypes() throws Exception {
        http.post().uri("/api/v1/webhooks").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("url", "http://127.0.0.1:9/hook", "events", List.of("voucher.eaten")))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED").jsonPath("$.errors[0].field").isEqualTo("events");
    }

    @Test
    void refusesAHistoryPageLargerThanTheBound() {
        WebTestClient.ResponseSpec answer = http.get().uri("/api/v1/webhooks/{id}/deliveries?limit=201", java.util.UUID.randomUUID())
                .headers(h -> h.setBearerAuth(Fixtures.adminToken())).exchange();

        answer.expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
                .jsonPath("$.errors[0].field").isEqualTo("limit");
    }

    @Test
    void answersNotFoundForTheHistoryOfAnUnknownSubscription() {
        http.get().uri("/api/v1/webhooks/{id}/deliveries", java.util.UUID.randomUUID())
                .headers(h -> h.setBearerAuth(Fixtures.adminToken())).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("NOT_FOUND");
    }

    @Test
    void refusesUrlsThatAreNotHttp() {
        http.post().uri("/api/v1/webhooks").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("url", "file:///etc/passwd", "events", List.of("voucher.granted")))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED").jsonPath("$.errors[0].field").isEqualTo("url");
    }

    @Test
    void theSecretIsShownOnlyAtCreation() throws Exception {
        WebhookReceiver receiver = receiver();
        Map<?, ?> subscription = subscribe(receiver.url(), List.of("voucher.granted"));

        assertThat((String) subscription.get("secret")).startsWith("whsec_");
        http.get().uri("/api/v1/webhooks").headers(h -> h.setBearerAuth(Fixtures.adminToken())).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.id == '" + subscription.get("id") + "')].url").isEqualTo(receiver.url())
                .jsonPath("$[*].secret").doesNotExist();
    }

    private WebhookReceiver receiver() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        return receiver;
    }

    private Map<?, ?> subscribe(String url, List<String> events) {
        Map<?, ?> created = http.post().uri("/api/v1/webhooks").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("url", url, "events", events))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        subscriptions.add((String) created.get("id"));
        return created;
    }

    private List<Map<?, ?>> deliveries(Map<?, ?> subscription) {
        Map<?, ?> page = http.get().uri("/api/v1/webhooks/{id}/deliveries?limit=200", subscription.get("id"))
                .headers(h -> h.setBearerAuth(Fixtures.adminToken())).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> items = (List<Map<?, ?>>) page.get("items");
        return items;
    }

    private long createFair() {
        Map<String, Object> body = Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 1, 0)));
        Map<?, ?> fair = http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) fair.get("id")).longValue();
    }

    private String register(long fairId, String merchant) {
        Map<?, ?> registration = http.post().uri("/api/v1/fairs/{id}/registrations", fairId)
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken(merchant))).header("Idempotency-Key", Fixtures.idempotencyKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "FOOD", "merchantName", "Stall of " + merchant, "specialOffer", false))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return (String) registration.get("registrationId");
    }

    private List<String> typesOf(WebhookReceiver receiver, String registrationId) {
        List<String> types = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (WebhookReceiver.Received request : receiver.received()) {
            if (registrationId.equals(data(request).get("registrationId")) && seen.add(request.id())) {
                types.add((String) body(request).get("type"));
            }
        }
        return types;
    }

    private List<WebhookReceiver.Received> forCampaign(WebhookReceiver receiver, long campaignId) {
        return receiver.received().stream()
                .filter(request -> data(request).get("campaignId") instanceof Number id && id.longValue() == campaignId).toList();
    }

    private static Set<String> distinctIds(List<WebhookReceiver.Received> requests) {
        return requests.stream().map(WebhookReceiver.Received::id).collect(Collectors.toSet());
    }

    private Map<?, ?> body(WebhookReceiver.Received request) {
        return json.readValue(request.body(), Map.class);
    }

    private Map<?, ?> data(WebhookReceiver.Received request) {
        return (Map<?, ?>) body(request).get("data");
    }
}
