package org.fairrush.voucher;

import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.RefundApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Staff voiding vouchers, and a fair's vouchers redeemed only at that fair's confirmed stalls. */
@FairrushTest
class VoidAndFairRedemptionTest {

    @Autowired
    WebTestClient http;

    private RefundApi api;

    @BeforeEach
    void setUp() {
        api = new RefundApi(http);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> walletVoucher(String member, String code) {
        return (Map<String, Object>) api.api().wallet(member).stream().filter(v -> code.equals(v.get("code"))).findFirst().orElseThrow();
    }

    @Test
    void aVoidedVoucherIsNeverRedeemedAndShowsItsReason() {
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(10, 1));
        String code = api.storedVoucher("member-v1", campaignId);
        Object voucherId = walletVoucher("member-v1", code).get("voucherId");

        api.voidVoucher(voucherId, "Reported stolen").expectStatus().isOk()
                .expectHeader().valueEquals("Idempotent-Replayed", "false")
                .expectBody().jsonPath("$.status").isEqualTo("VOID").jsonPath("$.voidReason").isEqualTo("Reported stolen");

        api.api().redeem("stall-v1", Fixtures.idempotencyKey(), code, 5000).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("VOUCHER_VOID");
        assertThat(walletVoucher("member-v1", code)).containsEntry("status", "VOID").containsEntry("voidReason", "Reported stolen");
    }

    @Test
    void voidingAgainKeepsTheFirstReason() {
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(10, 1));
        String code = api.storedVoucher("member-v2", campaignId);
        Object voucherId = walletVoucher("member-v2", code).get("voucherId");
        api.voidVoucher(voucherId, "Duplicate grab").expectStatus().isOk();

        api.voidVoucher(voucherId, "Another reason").expectStatus().isOk()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.voidReason").isEqualTo("Duplicate grab");
    }

    @Test
    void aRefundOfAVoidedVouchersRedemptionLeavesItVoid() {
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(10, 1));
        String code = api.storedVoucher("member-v3", campaignId);
        Object redemptionId = api.redeemed("stall-v3", code, 5000).get("redemptionId");
        api.voidVoucher(walletVoucher("member-v3", code).get("voucherId"), "Fraud").expectStatus().isOk();

        api.refund("stall-v3", redemptionId).expectStatus().isOk();

        assertThat(walletVoucher("member-v3", code)).containsEntry("status", "VOID");
        api.api().redeem("stall-v3", Fixtures.idempotencyKey(), code, 5000).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("VOUCHER_VOID");
    }

    @Test
    void voidingAnUnknownVoucherIsNotFoundAndABlankReasonInvalid() {
        api.voidVoucher("00000000-0000-0000-0000-000000000000", "No such").expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("VOUCHER_NOT_FOUND");
        api.voidVoucher("00000000-0000-0000-0000-000000000000", " ").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void aFairsVoucherIsRedeemedOnlyByAMerchantWithAConfirmedStallThere() {
        long fairId = api.createFair(List.of(Map.of("code", "FOOD", "name", "Food", "stalls", 1, "feeCents", 5000)));
        api.registeredAndStored(fairId, "stall-at-fair", "FOOD", false);
        // The only stall is taken: this merchant waits, which is not a confirmed stall.
        api.registeredAndStored(fairId, "stall-waiting", "FOOD", false);
        Map<String, Object> campaign = Fixtures.openCampaign(10, 2);
        campaign.put("fairId", fairId);
        long campaignId = api.api().createCampaign(campaign);
        String code = api.storedVoucher("member-v4", campaignId);

        api.api().redeem("stall-elsewhere", Fixtures.idempotencyKey(), code, 5000).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("MERCHANT_NOT_AT_FAIR");
        api.api().redeem("stall-waiting", Fixtures.idempotencyKey(), code, 5000).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("MERCHANT_NOT_AT_FAIR");
        api.api().redeem("stall-at-fair", Fixtures.idempotencyKey(), code, 5000).expectStatus().isCreated();
    }

    @Test
    void aCampaignWithoutAFairIsRedeemedAtAnyStall() {
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(10, 1));
        String code = api.storedVoucher("member-v5", campaignId);

        api.api().redeem("stall-anywhere", Fixtures.idempotencyKey(), code, 5000).expectStatus().isCreated();
    }
}
