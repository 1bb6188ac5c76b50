package org.fairrush;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.awaitility.Awaitility.await;

/** The calls of refunds, voids, fairs' vouchers and reports that the tests repeat, over real HTTP. */
public final class RefundApi {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private final WebTestClient http;
    private final Api api;

    public RefundApi(WebTestClient http) {
        this.http = http;
        this.api = new Api(http);
    }

    public Api api() {
        return api;
    }

    /**
     * A voucher of the campaign grabbed by the member and stored in Postgres; answers its code. Retries the grab with the
     * same key while the service answers 503 (a busy machine), as a mini-program would.
     */
    public String storedVoucher(String member, long campaignId) {
        String key = Fixtures.idempotencyKey();
        AtomicReference<String> grabbed = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var result = api.grab(member, campaignId, key).expectBody(JSON).returnResult();
            if (result.getStatus().value() == 201) {
                grabbed.set((String) result.getResponseBody().get("code"));
            }
            return grabbed.get() != null;
        });
        String code = grabbed.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.wallet(member).stream().anyMatch(v -> code.equals(v.get("code"))));
        return code;
    }

    /** Redeems a voucher that must be redeemed; answers the 201 body. */
    public Map<String, Object> redeemed(String merchant, String code, long orderAmountCents) {
        return api.redeem(merchant, Fixtures.idempotencyKey(), code, orderAmountCents).expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    public WebTestClient.ResponseSpec refund(String merchant, Object redemptionId) {
        return http.post().uri("/api/v1/redemptions/{id}/refund", redemptionId)
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken(merchant)))
                .exchange();
    }

    public WebTestClient.ResponseSpec voidVoucher(Object voucherId, String reason) {
        return http.post().uri("/api/v1/vouchers/{id}/void", voucherId)
                .headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("reason", reason))
                .exchange();
    }

    /** A first-come fair open for registration now, with the given categories ({code, name, stalls, feeCents}). */
    public long createFair(List<Map<String, Object>> categories) {
        Instant now = Instant.now();
        Map<String, Object> body = Map.of("name", "Union fair", "theme", "Food and crafts", "venue", "Workers' Cultural Palace",
                "startsAt", now.plus(Duration.ofDays(7)).toString(), "endsAt", now.plus(Duration.ofDays(8)).toString(),
                "registrationOpensAt", now.minusSeconds(60).toString(), "registrationClosesAt", now.plus(Duration.ofHours(1)).toString(),
                "allocation", "FIRST_COME", "categories", categories);
        Map<String, Object> fair = http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        return ((Number) fair.get("id")).longValue();
    }

    /** Registers the merchant at the fair and waits until Postgres holds the registration; answers the 201 body. */
    public Map<String, Object> registeredAndStored(long fairId, String merchant, String category, Object specialOffer) {
        Map<String, Object> registration = http.post().uri("/api/v1/fairs/{id}/registrations", fairId)
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken(merchant)))
                .header("Idempotency-Key", Fixtures.idempotencyKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", category, "merchantName", "Stall of " + merchant, "specialOffer", specialOffer))
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get().uri("/api/v1/me/registrations")
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken(merchant)))
                .exchange().expectStatus().isOk().expectBodyList(Map.class).returnResult().getResponseBody().stream()
                .anyMatch(stored -> registration.get("registrationId").equals(stored.get("registrationId"))));
        return registration;
    }

    public Map<String, Object> report(String uri, Object id) {
        return http.get().uri(uri, id).headers(h -> h.setBearerAuth(Fixtures.adminToken())).accept(MediaType.APPLICATION_JSON)
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    public String reportAsCsv(String uri, Object id) {
        return http.get().uri(uri, id).headers(h -> h.setBearerAuth(Fixtures.adminToken())).accept(MediaType.parseMediaType("text/csv"))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }
}
