package org.fairrush.voucher;

import java.time.Instant;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.CouponRules;
import org.fairrush.voucher.domain.VoucherStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The voucher and redemption tables. */
@Repository
class VoucherRepository {

    private final DatabaseClient db;

    VoucherRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * A stored voucher with what a wallet or a redemption needs of its campaign; voidedAt and voidReason null unless voided.
     *
     * @param validUntil the end (exclusive) of the voucher's own validity, see {@link CouponRules#validUntil}
     */
    record StoredVoucher(UUID id, String code, String memberId, Instant grabbedAt, Instant redeemedAt, Instant validUntil,
            Campaign campaign, Instant voidedAt, String voidReason) {

        VoucherStatus status(Instant now) {
            return VoucherStatus.of(voidedAt, redeemedAt, validUntil, now);
        }
    }

    /** @param refundedAt null while the redemption stands */
    record StoredRedemption(UUID id, String voucherCode, long orderAmountCents, long discountCents, long payableCents,
            Instant redeemedAt, Instant refundedAt) {
    }

    private static final String VOUCHER_WITH_CAMPAIGN = "select v.id as voucher_id, v.code, v.member_id, v.grabbed_at, "
            + "v.redeemed_at, coalesce(v.valid_until, c.redeem_ends_at) as valid_until, v.voided_at, v.void_reason, c.id, c.name, "
            + "c.stock, c.per_member_limit, c.grab_starts_at, c.grab_ends_at, c.redeem_starts_at, c.redeem_ends_at, c.discount_type, "
            + "c.amount_off_cents, c.min_spend_cents, c.fair_id, c.paused, c.zone, c.daily_stock, c.per_member_daily_limit, "
            + "c.validity_days, c.redeem_hours, c.refund_window_seconds, c.buckets from voucher v join campaign c on c.id = v.campaign_id ";

    /** Up to {@code count} of a member's vouchers, newest first, after the given sort key (keyset pagination). */
    Flux<StoredVoucher> findByMember(String memberId, java.util.Optional<java.util.Map.Entry<Instant, UUID>> after, int count) {
        var query = db.sql(VOUCHER_WITH_CAMPAIGN + "where v.member_id = :member "
                        + (after.isPresent() ? "and (v.grabbed_at, v.id) < (:grabbedAt, :id) " : "")
                        + "order by v.grabbed_at desc, v.id desc limit :count")
                .bind("member", memberId).bind("count", count);
        if (after.isPresent()) {
            query = query.bind("grabbedAt", after.get().getKey()).bind("id", after.get().getValue());
        }
        return query.map(VoucherRepository::voucher).all();
    }

    Mono<StoredVoucher> findById(UUID id) {
        return db.sql(VOUCHER_WITH_CAMPAIGN + "where v.id = :id").bind("id", id).map(VoucherRepository::voucher).one();
    }

    Mono<StoredVoucher> findByCode(String code) {
        return db.sql(VOUCHER_WITH_CAMPAIGN + "where v.code = :code").bind("code", code).map(VoucherRepository::voucher).one();
    }

    /** Marks the voucher redeemed unless it already is or was voided; emits whether this call redeemed it. */
    Mono<Boolean> markRedeemed(UUID voucherId, Instant at) {
        return db.sql("update voucher set redeemed_at = :at where id = :id and redeemed_at is null and voided_at is null")
                .bind("at", at).bind("id", voucherId)
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }

    Mono<Void> insertRedemption(StoredRedemption r, UUID voucherId, String merchantId, String idempotencyKey) {
        return db.sql("insert into redemption (id, voucher_id, merchant_id, idempotency_key, order_amount_cents, "
                        + "discount_cents, payable_cents, redeemed_at) values (:id, :voucher, :merchant, :key, :order, :discount, "
                        + ":payable, :at)")
                .bind("id", r.id()).bind("voucher", voucherId).bind("merchant", merchantId).bind("key", idempotencyKey)
                .bind("order", r.orderAmountCents()).bind("discount", r.discountCents()).bind("payable", r.payableCents())
                .bind("at", r.redeemedAt())
                .then();
    }

    Mono<StoredRedemption> findRedemption(String merchantId, String idempotencyKey) {
        return db.sql(REDEMPTION + "where r.merchant_id = :merchant and r.idempotency_key = :key")
                .bind("merchant", merchantId).bind("key", idempotencyKey)
                .map(VoucherRepository::redemption)
                .one();
    }

    static final String REDEMPTION = "select r.id, v.code, r.order_amount_cents, r.discount_cents, r.payable_cents, r.redeemed_at, "
            + "r.refunded_at from redemption r join voucher v on v.id = r.voucher_id ";

    static StoredRedemption redemption(Readable row) {
        return new StoredRedemption(row.get("id", UUID.class), row.get("code", String.class),
                row.get("order_amount_cents", Long.class), row.get("discount_cents", Long.class),
                row.get("payable_cents", Long.class), row.get("redeemed_at", Instant.class), row.get("refunded_at", Instant.class));
    }

    private static StoredVoucher voucher(Readable row) {
        return new StoredVoucher(row.get("voucher_id", UUID.class), row.get("code", String.class),
                row.get("member_id", String.class), row.get("grabbed_at", Instant.class),
                row.get("redeemed_at", Instant.class), row.get("valid_until", Instant.class), CampaignRepository.campaign(row),
                row.get("voided_at", Instant.class), row.get("void_reason", String.class));
    }
}
