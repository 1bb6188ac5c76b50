package org.fairrush;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The invariants of docs/design.md section 3 for one campaign, checked in one place after a rush or a fault:
 * every acknowledged voucher is stored (once the persister drained), never more vouchers than stock,
 * never more per member than the limit, and the reconciliation of the pool adds up. The reconciliation
 * is read through its HTTP endpoint, the same one the load tests read.
 */
public final class Invariants {

    private Invariants() {
    }

    @SuppressWarnings("unchecked")
    public static void assertCampaignHolds(WebTestClient http, DatabaseClient db, long campaignId, int stock, int limit,
            Collection<String> acknowledgedVoucherIds) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(storedIds(db, campaignId)).as("every acknowledged voucher is stored")
                    .containsAll(acknowledgedVoucherIds);
            assertThat((Map<String, Object>) pool(http, campaignId)).as("reconciliation of campaign " + campaignId)
                    .containsEntry("ok", true).containsEntry("difference", 0);
        });
        assertThat(storedIds(db, campaignId).size()).as("never more vouchers than stock").isLessThanOrEqualTo(stock);
        Long mostHeld = db.sql("select coalesce(max(held), 0) from (select count(*) as held from voucher "
                + "where campaign_id = :c group by member_id) per_member").bind("c", campaignId)
                .map(row -> row.get(0, Long.class)).one().block();
        assertThat(mostHeld).as("never more per member than the limit").isLessThanOrEqualTo(limit);
    }

    public static List<String> storedIds(DatabaseClient db, long campaignId) {
        return db.sql("select id::text from voucher where campaign_id = :c").bind("c", campaignId)
                .map(row -> row.get(0, String.class)).all().collectList().block();
    }

    /** The reconciliation report of the campaign's pool, from GET /api/v1/ops/reconciliation. */
    public static Map<?, ?> pool(WebTestClient http, long campaignId) {
        Map<?, ?> report = http.get().uri("/api/v1/ops/reconciliation")
                .headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((List<?>) report.get("pools")).stream().map(Map.class::cast)
                .filter(pool -> "c".equals(pool.get("kind")) && String.valueOf(campaignId).equals(pool.get("scope")))
                .findFirst().orElseThrow(() -> new AssertionError("campaign " + campaignId + " not in " + report));
    }
}
