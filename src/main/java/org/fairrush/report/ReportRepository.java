package org.fairrush.report;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.r2dbc.spi.Readable;
import org.fairrush.report.FairReport.CampaignLine;
import org.fairrush.report.FairReport.CategoryLine;
import org.fairrush.report.Settlement.MerchantLine;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Mono;

/**
 * The reports' reads of Postgres, across the tables the voucher and stall features write (reports change nothing and
 * call no feature). Each report is one snapshot: the settlement one statement, the fair report one read-only
 * REPEATABLE READ transaction; {@code now()} in it is the time the report is "as of".
 */
@Repository
class ReportRepository {

    private final DatabaseClient db;
    private final TransactionalOperator snapshot;

    ReportRepository(DatabaseClient db, ReactiveTransactionManager transactions) {
        this.db = db;
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        definition.setReadOnly(true);
        this.snapshot = TransactionalOperator.create(transactions, definition);
    }

    private record SettlementRow(long campaignId, String campaignName, Instant asOf, MerchantLine line) {
    }

    /** Empty when there is no such campaign. */
    Mono<Settlement> settlement(long campaignId) {
        return db.sql("with lines as (select r.merchant_id, count(*) as redemptions, count(r.refunded_at) as refunds, "
                        + "coalesce(sum(r.order_amount_cents) filter (where r.refunded_at is null), 0)::bigint as order_cents, "
                        + "coalesce(sum(r.discount_cents) filter (where r.refunded_at is null), 0)::bigint as discount_cents, "
                        + "coalesce(sum(r.payable_cents) filter (where r.refunded_at is null), 0)::bigint as payable_cents "
                        + "from redemption r join voucher v on v.id = r.voucher_id where v.campaign_id = :id group by r.merchant_id) "
                        + "select c.id, c.name, now() as as_of, lines.* from campaign c left join lines on true where c.id = :id "
                        + "order by lines.merchant_id")
                .bind("id", campaignId)
                .map(row -> new SettlementRow(row.get("id", Long.class), row.get("name", String.class), row.get("as_of", Instant.class),
                        row.get("merchant_id", String.class) == null ? null : merchantLine(row)))
                .all()
                .collectList()
                .filter(rows -> !rows.isEmpty())
                .map(rows -> Settlement.of(rows.get(0).campaignId(), rows.get(0).campaignName(), rows.get(0).asOf(),
                        rows.stream().map(SettlementRow::line).filter(line -> line != null).toList()));
    }

    private static MerchantLine merchantLine(Readable row) {
        return new MerchantLine(row.get("merchant_id", String.class), row.get("redemptions", Long.class), row.get("refunds", Long.class),
                row.get("order_cents", Long.class), row.get("discount_cents", Long.class), row.get("payable_cents", Long.class));
    }

    private record FairRow(long id, String name, Instant asOf, boolean undrawnLottery) {
    }

    /** Empty when there is no such fair. */
    Mono<FairReport> fairReport(long fairId) {
        return fair(fairId)
                // One after the other: the transaction is one connection.
                .flatMap(fair -> categories(fairId, fair.undrawnLottery())
                        .flatMap(categories -> byStatus(fairId, fair.undrawnLottery())
                                .flatMap(statuses -> campaigns(fairId)
                                        .map(campaigns -> new FairReport(fair.id(), fair.name(), fair.asOf(), categories, statuses, campaigns)))))
                .as(snapshot::transactional);
    }

    private Mono<FairRow> fair(long fairId) {
        return db.sql("select f.id, f.name, now() as as_of, "
                        + "f.allocation = 'LOTTERY' and not exists (select 1 from fair_draw d where d.fair_id = f.id) as undrawn_lottery "
                        + "from fair f where f.id = :id")
                .bind("id", fairId)
                .map(row -> new FairRow(row.get("id", Long.class), row.get("name", String.class), row.get("as_of", Instant.class),
                        row.get("undrawn_lottery", Boolean.class)))
                .one();
    }

    private Mono<List<CategoryLine>> categories(long fairId, boolean undrawnLottery) {
        return db.sql("select c.code, c.name, c.stalls, "
                        + "count(r.id) filter (where r.status = 'HELD') as confirmed, "
                        + "count(r.id) filter (where r.status = 'WAITING') as waiting, "
                        + "count(r.id) filter (where r.status = 'OFFERED') as offered, "
                        + "coalesce(sum(r.fee_cents) filter (where r.status = 'HELD'), 0)::bigint as fees_due, "
                        + "coalesce(sum(c.fee_cents) filter (where r.status = 'HELD' and r.special_offer), 0)::bigint as fees_waived "
                        + "from fair_category c left join registration r on r.fair_id = c.fair_id and r.category = c.code "
                        + "where c.fair_id = :fair group by c.fair_id, c.code, c.name, c.stalls, c.position order by c.position")
                .bind("fair", fairId)
                .map(row -> {
                    long waiting = row.get("waiting", Long.class);
                    return new CategoryLine(row.get("code", String.class), row.get("name", String.class), row.get("stalls", Integer.class),
                            row.get("confirmed", Long.class), undrawnLottery ? 0 : waiting, undrawnLottery ? waiting : 0,
                            row.get("offered", Long.class), row.get("fees_due", Long.class), row.get("fees_waived", Long.class));
                })
                .all().collectList();
    }

    private Mono<Map<String, Long>> byStatus(long fairId, boolean undrawnLottery) {
        return db.sql("select status, count(*) as n from registration where fair_id = :fair group by status order by status")
                .bind("fair", fairId)
                .map(row -> Map.entry(FairReport.shownStatus(row.get("status", String.class), undrawnLottery), row.get("n", Long.class)))
                .all()
                .collect(LinkedHashMap<String, Long>::new, (counts, entry) -> counts.merge(entry.getKey(), entry.getValue(), Long::sum))
                .map(counts -> (Map<String, Long>) counts);
    }

    private Mono<List<CampaignLine>> campaigns(long fairId) {
        return db.sql("select c.id, c.name, "
                        + "(select count(*) from voucher v where v.campaign_id = c.id) as granted, "
                        + "(select count(*) from voucher v where v.campaign_id = c.id and v.voided_at is not null) as voided, "
                        + "(select count(*) from redemption r join voucher v on v.id = r.voucher_id "
                        + "where v.campaign_id = c.id and r.refunded_at is null) as redeemed, "
                        + "(select count(*) from redemption r join voucher v on v.id = r.voucher_id "
                        + "where v.campaign_id = c.id and r.refunded_at is not null) as refunded, "
                        + "(select coalesce(sum(r.discount_cents), 0)::bigint from redemption r join voucher v on v.id = r.voucher_id "
                        + "where v.campaign_id = c.id and r.refunded_at is null) as discount_cents "
                        + "from campaign c where c.fair_id = :fair order by c.id")
                .bind("fair", fairId)
                .map(row -> CampaignLine.of(row.get("id", Long.class), row.get("name", String.class), row.get("granted", Long.class),
                        row.get("redeemed", Long.class), row.get("refunded", Long.class), row.get("voided", Long.class),
                        row.get("discount_cents", Long.class)))
                .all().collectList();
    }
}
