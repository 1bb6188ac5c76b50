package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.RushProperties;
import org.fairrush.voucher.domain.VoucherCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Merchants scanning vouchers at their stalls: exactly once, inside the window, above the threshold. */
@FairrushTest
class RedemptionTest {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;
    @Autowired
    JsonMapper json;
    @LocalServerPort
    int port;

    private Api api;

    @BeforeEach
    void setUp() {
        api = new Api(http);
    }

    /** A voucher of an open "spend 30, save 20" campaign, stored in Postgres. */
    private String storedVoucher(String member) {
        long campaignId = api.createCampaign(Fixtures.openCampaign(50, 1));
        String code = (String) api.grabbed(member, campaignId).get("code");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.wallet(member).stream().anyMatch(v -> code.equals(v.get("code"))));
        return code;
    }

    @Test
    void redeemsAndAnswersTheDiscountAndThePayableAmount() {
        String code = storedVoucher("member-r1");

        api.redeem("stall-1", Fixtures.idempotencyKey(), code, 4500).expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.voucherCode").isEqualTo(code)
                .jsonPath("$.discountCents").isEqualTo(2000)
                .jsonPath("$.payableCents").isEqualTo(2500);
        assertThat(api.wallet("member-r1").get(0).get("status")).isEqualTo("REDEEMED");
    }

    @Test
    void twentyMerchantsScanningOneVoucherAtOnceRedeemItOnce() {
        String code = storedVoucher("member-r2");
        WebClient client = WebClient.create("http://127.0.0.1:" + port);

        List<Integer> statuses = Flux.fromStream(IntStream.range(0, 20).boxed())
                .flatMap(i -> client.post().uri("/api/v1/redemptions")
                        .headers(h -> h.setBearerAuth(Fixtures.merchantToken("stall-" + i)))
                        .header("Idempotency-Key", Fixtures.idempotencyKey())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("voucherCode", code, "orderAmountCents", 5000))
                        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())), 20)
                .collectList().block(Duration.ofSeconds(60));

        assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
        assertThat(statuses).filteredOn(status -> status == 409).hasSize(19);
        Long rows = db.sql("select count(*) from redemption r join voucher v on v.id = r.voucher_id where v.code = :code")
                .bind("code", code).map(row -> row.get(0, Long.class)).one().block();
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void aSecondScanIsRefusedAsAlreadyRedeemed() {
        String code = storedVoucher("member-r3");
        api.redeem("stall-1", Fixtures.idempotencyKey(), code, 3000).expectStatus().isCreated();

        api.redeem("stall-2", Fixtures.idempotencyKey(), code, 3000).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("ALREADY_REDEEMED");
    }

    @Test
    void aRetryWithTheSameKeyReturnsTheSameRedemption() {
        String code = storedVoucher("member-r4");
        String key = Fixtures.idempotencyKey();
        Map<?, ?> first = api.redeem("stall-1", key, code, 3000).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();

        api.redeem("stall-1", key, code, 3000).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.redemptionId").isEqualTo(first.get("redemptionId"));
    }

    @Test
    void refusesAnOrderBelowTheMinimumSpendAndKeepsTheVoucher() {
        String code = storedVoucher("member-r5");

        api.redeem("stall-1", Fixtures.idempotencyKey(), code, 2999).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("BELOW_THRESHOLD");
        api.redeem("stall-1", Fixtures.idempotencyKey(), code, 3000).expectStatus().isCreated();
    }

    @Test
    void refusesBeforeTheRedemptionWindowOpens() {
        Instant now = Instant.now();
        long campaignId = api.createCampaign(Fixtures.campaign(10, 1, now.minusSeconds(60), now.plusSeconds(3600),
                now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)), 2000, 3000));
        String code = (String) api.grabbed("member-r6", campaignId).get("code");
        await().atMost(Duration.ofSeconds(30)).until(() -> !api.wallet("member-r6").isEmpty());

        api.redeem("stall-1", Fixtures.idempotencyKey(), code, 5000).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("NOT_REDEEMABLE");
    }

    @Test
    void anUnknownCodeIsNotFoundAndAMalformedOneInvalid() {
        api.redeem("stall-1", Fixtures.idempotencyKey(), "987654300-ZZZZ-YYYY-XXXX", 5000).expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("VOUCHER_NOT_FOUND");
        api.redeem("stall-1", Fixtures.idempotencyKey(), "not a code", 5000).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void aVoucherNotYetStoredAsksTheMerchantToRetry() {
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 1));
        String code = campaignId + "-ABCD-EFGH-JKMN";
        // A grab whose event is still on its way to Postgres: recorded in Redis as pending only.
        ClaimRecorded pending = new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, VoucherCodes.voucherId(code), Instant.now(), "c",
                Long.toString(campaignId), "", "member-r7", null, 1, ClaimRecorded.HELD, Map.of("code", code));
        redis.opsForHash().put(rush.keyPrefix() + ":{c:" + campaignId + "}:pending", pending.eventId().toString(),
                json.writeValueAsString(pending)).block();

        api.redeem("stall-1", Fixtures.idempotencyKey(), code, 5000).expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("BUSY");
    }
}
