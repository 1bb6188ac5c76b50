package org.fairrush.stall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.Fixtures;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fair API as the tests call it over HTTP: blocking calls through WebTestClient, concurrent ones through WebClient. */
final class FairApi {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    final WebTestClient http;
    final WebClient client;

    FairApi(WebTestClient http, int port) {
        this.http = http;
        this.client = WebClient.builder().baseUrl("http://localhost:" + port).build();
    }

    /** An answer: status, body (JSON object) and whether it was a replay. */
    record Answer(int status, Map<String, Object> body, boolean replayed) {

        String registrationId() {
            return (String) body.get("registrationId");
        }

        String registrationStatus() {
            return (String) body.get("status");
        }
    }

    long createFair(Map<String, Object> body) {
        Map<?, ?> fair = http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) fair.get("id")).longValue();
    }

    Map<String, Object> fair(long fairId) {
        return http.get().uri("/api/v1/fairs/{id}", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    /**
     * Registers with the given key, retrying while the service answers 503 (BUSY) or 409 REQUEST_IN_PROGRESS (the
     * first request with the key is still being stored), as a mini-program would.
     */
    Mono<Answer> register(long fairId, String merchant, String key, Map<String, Object> body) {
        return client.post().uri("/api/v1/fairs/{id}/registrations", fairId)
                .headers(h -> {
                    h.setBearerAuth(Fixtures.merchantToken(merchant));
                    h.set("Idempotency-Key", key);
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(JSON).defaultIfEmpty(Map.of()).map(json -> new Answer(
                        response.statusCode().value(), json, "true".equals(response.headers().asHttpHeaders().getFirst("Idempotent-Replayed")))))
                .flatMap(answer -> answer.status() == HttpStatus.SERVICE_UNAVAILABLE.value()
                        || "REQUEST_IN_PROGRESS".equals(answer.body().get("code"))
                        ? Mono.error(new IllegalStateException("busy")) : Mono.just(answer))
                .retryWhen(Retry.backoff(20, Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500)));
    }

    Answer registerNow(long fairId, String merchant, Map<String, Object> body) {
        return register(fairId, merchant, Fixtures.idempotencyKey(), body).block(Duration.ofSeconds(30));
    }

    Mono<Integer> cancel(long fairId, String registrationId, String token) {
        return client.delete().uri("/api/v1/fairs/{id}/registrations/{rid}", fairId, registrationId)
                .headers(h -> h.setBearerAuth(token))
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .flatMap(status -> status == HttpStatus.SERVICE_UNAVAILABLE.value() ? Mono.error(new IllegalStateException("busy"))
                        : Mono.just(status))
                .retryWhen(Retry.backoff(20, Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500)));
    }

    Answer answerOffer(long fairId, String registrationId, String token, String answer) {
        return offerAnswer(fairId, registrationId, token, answer).block(Duration.ofSeconds(30));
    }

    /** Accepts or declines ({@code answer}) an offered stall; retried while the service answers 503. */
    Mono<Answer> offerAnswer(long fairId, String registrationId, String token, String answer) {
        return client.post().uri("/api/v1/fairs/{id}/registrations/{rid}/{answer}", fairId, registrationId, answer)
                .headers(h -> h.setBearerAuth(token))
                .exchangeToMono(response -> response.bodyToMono(JSON).defaultIfEmpty(Map.of())
                        .map(json -> new Answer(response.statusCode().value(), json, false)))
                .flatMap(reply -> reply.status() == HttpStatus.SERVICE_UNAVAILABLE.value() ? Mono.error(new IllegalStateException("busy"))
                        : Mono.just(reply))
                .retryWhen(Retry.backoff(20, Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500)));
    }

    Map<String, Object> registration(long fairId, String registrationId, String token) {
        return http.get().uri("/api/v1/fairs/{id}/registrations/{rid}", fairId, registrationId).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    /** The organisers' list of a fair's registrations, read from Postgres. */
    List<Map<String, Object>> registrations(long fairId) {
        return http.get().uri("/api/v1/fairs/{id}/registrations", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .accept(MediaType.APPLICATION_JSON)
                .exchange().expectStatus().isOk().expectBodyList(JSON).returnResult().getResponseBody();
    }

    /** The reconciliation reports (invariant 3) of the fair's category pools, from GET /api/v1/ops/reconciliation. */
    List<Map<String, Object>> reconciliation(long fairId) {
        Map<String, Object> report = http.get().uri("/api/v1/ops/reconciliation").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        return ((List<Map<String, Object>>) report.get("pools")).stream()
                .filter(pool -> "f".equals(pool.get("kind")) && String.valueOf(fairId).equals(pool.get("scope")))
                .toList();
    }

    EntityExchangeResult<Map<String, Object>> draw(long fairId, String seed) {
        return http.post().uri("/api/v1/fairs/{id}/draw", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("seed", seed))
                .exchange().expectBody(JSON).returnResult();
    }

    /** Draws as soon as the window has closed and the entries are stored (the service answers 409 or 503 before). */
    /**
     * Draws a fair whose registration has closed (the test moved its clock past the close). The draw answers 503
     * BUSY until every entry is stored in Postgres, so that is retried; any other answer than 201 fails.
     */
    Map<String, Object> drawn(long fairId, String seed) {
        List<EntityExchangeResult<Map<String, Object>>> answers = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            EntityExchangeResult<Map<String, Object>> result = draw(fairId, seed);
            answers.add(result);
            return result.getStatus().value() != 503;
        });
        EntityExchangeResult<Map<String, Object>> last = answers.get(answers.size() - 1);
        assertThat(last.getStatus().value()).as("draw of fair %d: %s", fairId, last.getResponseBody()).isEqualTo(201);
        return last.getResponseBody();
    }


    static String merchant(String prefix, int i) {
        return prefix + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
