package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.r2dbc.spi.Readable;
import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.CouponRules;
import org.fairrush.voucher.domain.Discount;
import org.fairrush.voucher.domain.RedeemHours;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The campaign table. */
@Repository
class CampaignRepository {

    private static final String COLUMNS = "id, name, stock, per_member_limit, grab_starts_at, grab_ends_at, "
            + "redeem_starts_at, redeem_ends_at, discount_type, amount_off_cents, min_spend_cents, fair_id, paused, "
            + "zone, daily_stock, per_member_daily_limit, validity_days, redeem_hours, refund_window_seconds, buckets";

    private final DatabaseClient db;

    CampaignRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<Campaign> insert(NewCampaign c) {
        var insert = db.sql("insert into campaign (name, stock, per_member_limit, grab_starts_at, grab_ends_at, redeem_starts_at, "
                        + "redeem_ends_at, discount_type, amount_off_cents, min_spend_cents, fair_id, zone, daily_stock, "
                        + "per_member_daily_limit, validity_days, redeem_hours, refund_window_seconds, buckets) "
                        + "values (:name, :stock, :limit, :grabStarts, :grabEnds, :redeemStarts, :redeemEnds, :type, :off, :min, :fair, "
                        + ":zone, :dailyStock, :dailyLimit, :validityDays, :redeemHours, :refundWindow, :buckets) "
                        + "returning " + COLUMNS)
                .bind("name", c.name())
                .bind("stock", c.stock())
                .bind("limit", c.perMemberLimit())
                .bind("grabStarts", c.grabStartsAt())
                .bind("grabEnds", c.grabEndsAt())
                .bind("redeemStarts", c.redeemStartsAt())
                .bind("redeemEnds", c.redeemEndsAt())
                .bind("type", c.discount().type())
                .bind("off", c.discount().amountOffCents())
                .bind("min", c.discount().minSpendCents())
                .bind("refundWindow", c.refundWindowOrDefault().toSeconds())
                .bind("buckets", c.bucketsOrDefault());
        CouponRules rules = c.rules();
        insert = insert.bind("zone", rules.zone().getId());
        insert = rules.dailyStock() == null ? insert.bindNull("dailyStock", Integer.class) : insert.bind("dailyStock", rules.dailyStock());
        insert = rules.perMemberDailyLimit() == null ? insert.bindNull("dailyLimit", Integer.class)
                : insert.bind("dailyLimit", rules.perMemberDailyLimit());
        insert = rules.validityDays() == null ? insert.bindNull("validityDays", Integer.class) : insert.bind("validityDays", rules.validityDays());
        insert = rules.redeemHours().isEmpty() ? insert.bindNull("redeemHours", String.class)
                : insert.bind("redeemHours", RedeemHours.spec(rules.redeemHours()));
        return (c.fairId() == null ? insert.bindNull("fair", Long.class) : insert.bind("fair", c.fairId()))
                .map(CampaignRepository::campaign)
                .one();
    }

    Mono<Campaign> findById(long id) {
        return db.sql("select " + COLUMNS + " from campaign where id = :id").bind("id", id).map(CampaignRepository::campaign).one();
    }

    /** Up to {@code count} campaigns, latest grab window first, after the given sort key (keyset pagination). */
    Flux<Campaign> findPage(Optional<Map.Entry<Instant, Long>> after, int count) {
        var query = db.sql("select " + COLUMNS + " from campaign "
                + (after.isPresent() ? "where (grab_starts_at, id) < (:startsAt, :id) " : "")
                + "order by grab_starts_at desc, id desc limit :count").bind("count", count);
        if (after.isPresent()) {
            query = query.bind("startsAt", after.get().getKey()).bind("id", after.get().getValue());
        }
        return query.map(CampaignRepository::campaign).all();
    }

    /** Vouchers of the campaign stored in Postgres: what a retired campaign's remaining stock is computed from. */
    Mono<Long> countVouchers(long id) {
        return db.sql("select count(*) as n from voucher where campaign_id = :id").bind("id", id)
                .map(row -> row.get("n", Long.class)).one();
    }

    Mono<Void> setPaused(long id, boolean paused) {
        return db.sql("update campaign set paused = :paused where id = :id").bind("paused", paused).bind("id", id).then();
    }

    static Campaign campaign(Readable row) {
        return new Campaign(
                row.get("id", Long.class),
                row.get("name", String.class),
                row.get("stock", Integer.class),
                row.get("per_member_limit", Integer.class),
                row.get("grab_starts_at", Instant.class),
                row.get("grab_ends_at", Instant.class),
                row.get("redeem_starts_at", Instant.class),
                row.get("redeem_ends_at", Instant.class),
                new Discount(row.get("discount_type", String.class), row.get("amount_off_cents", Long.class),
                        row.get("min_spend_cents", Long.class)),
                row.get("fair_id", Long.class),
                row.get("paused", Boolean.class),
                rules(row),
                Duration.ofSeconds(row.get("refund_window_seconds", Long.class)),
                row.get("buckets", Integer.class));
    }

    private static CouponRules rules(Readable row) {
        return new CouponRules(java.time.ZoneId.of(row.get("zone", String.class)), row.get("daily_stock", Integer.class),
                row.get("per_member_daily_limit", Integer.class), row.get("validity_days", Integer.class),
                RedeemHours.parseSpec(row.get("redeem_hours", String.class)));
    }
}
