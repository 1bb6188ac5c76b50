package org.fairrush.voucher;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Campaign administration and the grab answers a mini-program switches on. */
@FairrushTest
class CampaignApiTest {

    @Autowired
    WebTestClient http;
    private Api api;

    @BeforeEach
    void setUp() {
        api = new Api(http);
    }

    private WebTestClient.ResponseSpec create(Map<String, Object> body, String token) {
        return http.post().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void createsACampaignWithItsWholeStockRemaining() {
        create(Fixtures.openCampaign(2000, 1), Fixtures.adminToken()).expectStatus().isCreated()
                .expectHeader().exists("Location")
                .expectBody()
                .jsonPath("$.stock").isEqualTo(2000)
                .jsonPath("$.remaining").isEqualTo(2000)
                .jsonPath("$.status").isEqualTo("OPEN")
                .jsonPath("$.discount.amountOffCents").isEqualTo(2000);
    }

    @Test
    void refusesWindowsOutOfOrderAndCreatesNothing() {
        Instant now = Instant.now();
        Map<String, Object> body = Fixtures.campaign(10, 1, now.plusSeconds(3600), now.plusSeconds(60),
                now, now.plusSeconds(7200), 2000, 3000);
        body.put("name", "Backwards window");

        create(body, Fixtures.adminToken()).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
                .jsonPath("$.errors[0].field").isEqualTo("grabEndsAt");
        assertThat(campaignNames()).doesNotContain("Backwards window");
    }

    @Test
    void refusesAStockOfZeroAndAStockAboveAMillion() {
        create(Fixtures.openCampaign(0, 1), Fixtures.adminToken()).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("stock");
        create(Fixtures.openCampaign(1_000_001, 1), Fixtures.adminToken()).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("stock");
    }

    @Test
    void aMemberMayNotCreateCampaigns() {
        create(Fixtures.openCampaign(10, 1), Fixtures.memberToken("m-1")).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
    }

    @Test
    void anUnknownCampaignIsNotFound() {
        http.get().uri("/api/v1/campaigns/987654321").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("CAMPAIGN_NOT_FOUND");
        api.grab("m-1", 987654321, Fixtures.idempotencyKey()).expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("CAMPAIGN_NOT_FOUND");
    }

    @Test
    void refusesAGrabBeforeTheWindowOpens() {
        Instant now = Instant.now();
        long id = api.createCampaign(Fixtures.campaign(10, 1, now.plusSeconds(3600), now.plusSeconds(7200),
                now.plusSeconds(3600), now.plusSeconds(86400), 2000, 3000));

        api.grab("m-1", id, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("NOT_STARTED");
        assertThat(api.campaign(id).get("status")).isEqualTo("UPCOMING");
    }

    @Test
    void refusesASecondVoucherAboveTheLimit() {
        long id = api.createCampaign(Fixtures.openCampaign(10, 1));
        api.grabbed("m-limit", id);

        api.grab("m-limit", id, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("LIMIT_REACHED");
    }

    @Test
    void answersSoldOutOnceTheStockIsGone() {
        long id = api.createCampaign(Fixtures.openCampaign(1, 1));
        api.grabbed("m-first", id);

        api.grab("m-second", id, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("SOLD_OUT");
        assertThat(api.campaign(id).get("status")).isEqualTo("SOLD_OUT");
    }

    @Test
    void aPausedCampaignRefusesGrabsUntilResumed() {
        long id = api.createCampaign(Fixtures.openCampaign(10, 1));
        http.post().uri("/api/v1/campaigns/{id}/pause", id).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("PAUSED");

        api.grab("m-1", id, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("PAUSED");

        http.post().uri("/api/v1/campaigns/{id}/resume", id).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("OPEN");
        api.grab("m-1", id, Fixtures.idempotencyKey()).expectStatus().isCreated();
    }

    @Test
    void aGrabWithoutIdempotencyKeyIsInvalidAndTakesNothing() {
        long id = api.createCampaign(Fixtures.openCampaign(10, 1));

        http.post().uri("/api/v1/campaigns/{id}/grabs", id).headers(h -> h.setBearerAuth(Fixtures.memberToken("m-1")))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
                .jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
        assertThat(((Number) api.campaign(id).get("remaining")).intValue()).isEqualTo(10);
    }

    @Test
    void theSameKeyReturnsTheSameVoucher() {
        long id = api.createCampaign(Fixtures.openCampaign(10, 1));
        String key = Fixtures.idempotencyKey();
        Map<?, ?> first = api.grab("m-1", id, key).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();

        api.grab("m-1", id, key).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.voucherId").isEqualTo(first.get("voucherId"))
                .jsonPath("$.code").isEqualTo(first.get("code"));
        assertThat(((Number) api.campaign(id).get("remaining")).intValue()).isEqualTo(9);
    }

    @Test
    void theWalletShowsOnlyTheCallersVouchers() {
        long id = api.createCampaign(Fixtures.openCampaign(10, 2));
        String code = (String) api.grabbed("m-wallet", id).get("code");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> api.wallet("m-wallet").stream().anyMatch(v -> code.equals(v.get("code"))));

        assertThat(api.wallet("m-wallet")).allSatisfy(v -> assertThat(v.get("status")).isEqualTo("ISSUED"));
        assertThat(api.wallet("m-someone-else")).noneMatch(v -> code.equals(v.get("code")));
    }

    private List<Object> campaignNames() {
        return http.get().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectBodyList(Map.class).returnResult().getResponseBody()
                .stream().map(c -> c.get("name")).map(Object.class::cast).toList();
    }
}
