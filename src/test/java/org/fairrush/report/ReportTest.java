package org.fairrush.report;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.RefundApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The settlement of a campaign and the report of a fair, read from Postgres, as JSON and CSV. */
@FairrushTest
class ReportTest {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;

    private RefundApi api;

    @BeforeEach
    void setUp() {
        api = new RefundApi(http);
    }

    /** The cells of a CSV line of quoted fields (the reports' fields hold no quote or comma). */
    private static List<String> cells(String line) {
        return Arrays.stream(line.split(",")).map(cell -> cell.substring(1, cell.length() - 1)).toList();
    }

    private static long number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).longValue();
    }

    @Test
    void theSettlementsTotalsAreTheSumsOfTheRedemptionRowsAndItsCsvAgrees() {
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(10, 1));
        Object refunded = api.redeemed("settle-a", api.storedVoucher("member-s1", campaignId), 4500).get("redemptionId");
        api.redeemed("settle-a", api.storedVoucher("member-s2", campaignId), 3000);
        api.redeemed("settle-b", api.storedVoucher("member-s3", campaignId), 10000);
        api.refund("settle-a", refunded).expectStatus().isOk();

        Map<String, Object> settlement = api.report("/api/v1/campaigns/{id}/settlement", campaignId);

        List<Map<String, Object>> merchants = (List<Map<String, Object>>) settlement.get("merchants");
        assertThat(merchants).extracting(m -> m.get("merchantId")).containsExactly("settle-a", "settle-b");
        assertThat(merchants.get(0)).containsEntry("redemptions", 2).containsEntry("refunds", 1)
                .containsEntry("orderAmountCents", 3000).containsEntry("discountCents", 2000).containsEntry("payableCents", 1000);
        Map<String, Object> totals = (Map<String, Object>) settlement.get("totals");
        for (String measure : List.of("redemptions", "refunds", "orderAmountCents", "discountCents", "payableCents")) {
            assertThat(number(totals, measure)).as(measure).isEqualTo(merchants.stream().mapToLong(m -> number(m, measure)).sum());
        }
        Map<String, Long> rows = db.sql("select count(*) as n, coalesce(sum(r.discount_cents) filter (where r.refunded_at is null), 0)::bigint as d, "
                        + "coalesce(sum(r.order_amount_cents) filter (where r.refunded_at is null), 0)::bigint as o "
                        + "from redemption r join voucher v on v.id = r.voucher_id where v.campaign_id = :id")
                .bind("id", campaignId)
                .map(row -> Map.of("n", row.get("n", Long.class), "d", row.get("d", Long.class), "o", row.get("o", Long.class)))
                .one().block();
        assertThat(number(totals, "redemptions")).isEqualTo(rows.get("n"));
        assertThat(number(totals, "discountCents")).isEqualTo(rows.get("d")).isEqualTo(4000);
        assertThat(number(totals, "orderAmountCents")).isEqualTo(rows.get("o"));
        assertThat(Instant.parse((String) settlement.get("asOf"))).isBefore(Instant.now().plusSeconds(60));

        List<String> csv = api.reportAsCsv("/api/v1/campaigns/{id}/settlement", campaignId).lines().toList();
        assertThat(csv.get(0)).isEqualTo("\"line\",\"merchantId\",\"redemptions\",\"refunds\",\"orderAmountCents\",\"discountCents\","
                + "\"payableCents\",\"asOf\"");
        assertThat(csv).hasSize(merchants.size() + 2);
        for (int i = 0; i < merchants.size(); i++) {
            Map<String, Object> m = merchants.get(i);
            // The CSV is a second read, with an asOf of its own; nothing changed in between.
            assertThat(cells(csv.get(i + 1)).subList(0, 7)).containsExactly("MERCHANT", (String) m.get("merchantId"),
                    m.get("redemptions").toString(), m.get("refunds").toString(), m.get("orderAmountCents").toString(),
                    m.get("discountCents").toString(), m.get("payableCents").toString());
            assertThat(Instant.parse(cells(csv.get(i + 1)).get(7))).isAfterOrEqualTo(Instant.parse((String) settlement.get("asOf")));
        }
        assertThat(cells(csv.get(csv.size() - 1))).startsWith("TOTAL", "", totals.get("redemptions").toString(),
                totals.get("refunds").toString(), totals.get("orderAmountCents").toString(), totals.get("discountCents").toString());
    }

    @Test
    void aCampaignWithoutRedemptionsSettlesToZeroAndAnUnknownOneIsNotFound() {
        long campaignId = api.api().createCampaign(Fixtures.openCampaign(10, 1));

        Map<String, Object> settlement = api.report("/api/v1/campaigns/{id}/settlement", campaignId);
        assertThat((List<?>) settlement.get("merchants")).isEmpty();
        assertThat((Map<String, Object>) settlement.get("totals")).containsEntry("redemptions", 0).containsEntry("discountCents", 0);
        http.get().uri("/api/v1/campaigns/987654321/settlement").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("CAMPAIGN_NOT_FOUND");
    }

    @Test
    void theFairReportCountsStallsFeesRegistrationsAndTheFairsVouchers() {
        long fairId = api.createFair(List.of(Map.of("code", "FOOD", "name", "Food", "stalls", 2, "feeCents", 5000),
                Map.of("code", "CRAFT", "name", "Crafts", "stalls", 1, "feeCents", 3000)));
        api.registeredAndStored(fairId, "report-food-1", "FOOD", false);
        api.registeredAndStored(fairId, "report-food-2", "FOOD", "10% off for members");
        api.registeredAndStored(fairId, "report-food-3", "FOOD", false);
        api.registeredAndStored(fairId, "report-craft-1", "CRAFT", false);
        Map<String, Object> campaign = Fixtures.openCampaign(10, 1);
        campaign.put("fairId", fairId);
        long campaignId = api.api().createCampaign(campaign);
        Object refunded = api.redeemed("report-food-1", api.storedVoucher("member-fr1", campaignId), 4500).get("redemptionId");
        api.redeemed("report-food-1", api.storedVoucher("member-fr2", campaignId), 4500);
        api.storedVoucher("member-fr3", campaignId);
        api.refund("report-food-1", refunded).expectStatus().isOk();

        Map<String, Object> report = api.report("/api/v1/fairs/{id}/report", fairId);

        List<Map<String, Object>> categories = (List<Map<String, Object>>) report.get("categories");
        assertThat(categories).hasSize(2);
        assertThat(categories.get(0)).containsEntry("code", "FOOD").containsEntry("stalls", 2).containsEntry("confirmed", 2)
                .containsEntry("waitlisted", 1).containsEntry("offered", 0).containsEntry("feesDueCents", 5000)
                .containsEntry("feesWaivedCents", 5000);
        assertThat(categories.get(1)).containsEntry("code", "CRAFT").containsEntry("confirmed", 1).containsEntry("waitlisted", 0)
                .containsEntry("feesDueCents", 3000).containsEntry("feesWaivedCents", 0);
        assertThat((Map<String, Object>) report.get("registrationsByStatus")).containsOnly(Map.entry("CONFIRMED", 3), Map.entry("WAITLISTED", 1));
        List<Map<String, Object>> campaigns = (List<Map<String, Object>>) report.get("campaigns");
        assertThat(campaigns).hasSize(1);
        assertThat(campaigns.get(0)).containsEntry("granted", 3).containsEntry("redeemed", 1).containsEntry("refunded", 1)
                .containsEntry("voided", 0).containsEntry("discountCents", 2000);
        assertThat(campaigns.get(0).get("redemptionRate").toString()).isEqualTo("0.3333");

        Map<String, String> figures = new HashMap<>();
        api.reportAsCsv("/api/v1/fairs/{id}/report", fairId).lines().skip(1).map(ReportTest::cells)
                .forEach(cells -> figures.put(cells.get(0) + "/" + cells.get(1) + "/" + cells.get(2), cells.get(3)));
        assertThat(figures).containsEntry("category/FOOD/feesWaivedCents", "5000").containsEntry("category/CRAFT/confirmed", "1")
                .containsEntry("registrations/WAITLISTED/count", "1").containsEntry("campaign/" + campaignId + "/redemptionRate", "0.3333");
        assertThat(Instant.parse(figures.get("fair/" + fairId + "/asOf"))).isAfterOrEqualTo(Instant.parse((String) report.get("asOf")));
    }
}
