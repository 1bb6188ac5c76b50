package org.fairrush;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The API calls tests repeat, over real HTTP. */
public final class Api {

    private final WebTestClient http;

    public Api(WebTestClient http) {
        this.http = http;
    }

    /** Creates a campaign as an admin and returns its id. */
    public long createCampaign(Map<String, Object> body) {
        Map<?, ?> created = http.post().uri("/api/v1/campaigns")
                .headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) created.get("id")).longValue();
    }

    public WebTestClient.ResponseSpec grab(String memberId, long campaignId, String idempotencyKey) {
        return http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                .headers(h -> h.setBearerAuth(Fixtures.memberToken(memberId)))
                .header("Idempotency-Key", idempotencyKey)
                .exchange();
    }

    /** Grabs a voucher that must be granted and returns the 201 body. */
    public Map<?, ?> grabbed(String memberId, long campaignId) {
        return grab(memberId, campaignId, Fixtures.idempotencyKey())
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    public WebTestClient.ResponseSpec redeem(String merchantId, String idempotencyKey, String code, long orderAmountCents) {
        return http.post().uri("/api/v1/redemptions")
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken(merchantId)))
                .header("Idempotency-Key", idempotencyKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("voucherCode", code, "orderAmountCents", orderAmountCents))
                .exchange();
    }

    public Map<?, ?> campaign(long campaignId) {
        return http.get().uri("/api/v1/campaigns/{id}", campaignId)
                .headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    public java.util.List<Map> wallet(String memberId) {
        return http.get().uri("/api/v1/me/vouchers")
                .headers(h -> h.setBearerAuth(Fixtures.memberToken(memberId)))
                .exchange().expectStatus().isOk()
                .expectBodyList(Map.class).returnResult().getResponseBody();
    }
}
