package org.fairrush.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fairrush.Fixtures;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/** Staff's webhook calls over real HTTP, and reading what a receiver got; unsubscribes and stops receivers on close. */
final class WebhookAdmin implements AutoCloseable {

    private final WebTestClient http;
    private final JsonMapper json;
    private final List<String> subscriptions = new ArrayList<>();
    private final List<WebhookReceiver> receivers = new ArrayList<>();

    WebhookAdmin(WebTestClient http, JsonMapper json) {
        this.http = http;
        this.json = json;
    }

    WebhookReceiver receiver() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        return receiver;
    }

    /** Subscribes the URL to the event types; answers the 201 body (with the secret). */
    Map<?, ?> subscribe(String url, List<String> events) {
        Map<?, ?> created = http.post().uri("/api/v1/webhooks").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("url", url, "events", events))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        subscriptions.add((String) created.get("id"));
        return created;
    }

    /** The subscription's delivery history, newest first. */
    List<Map<?, ?>> deliveries(Map<?, ?> subscription) {
        Map<?, ?> page = http.get().uri("/api/v1/webhooks/{id}/deliveries?limit=200", subscription.get("id"))
                .headers(h -> h.setBearerAuth(Fixtures.adminToken())).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> items = (List<Map<?, ?>>) page.get("items");
        return items;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> body(WebhookReceiver.Received request) {
        return json.readValue(request.body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> data(WebhookReceiver.Received request) {
        return (Map<String, Object>) body(request).get("data");
    }

    @Override
    public void close() {
        subscriptions.forEach(id -> http.delete().uri("/api/v1/webhooks/{id}", id).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isNoContent());
        receivers.forEach(WebhookReceiver::close);
    }
}
