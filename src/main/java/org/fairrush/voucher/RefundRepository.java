package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.fairrush.voucher.VoucherRepository.StoredRedemption;
import org.fairrush.voucher.domain.Refunding.RefundableRedemption;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Refunds and voids. Each change is one conditional UPDATE, so that of two racing calls exactly one changes the row
 * (Postgres locks it; the second re-reads the condition after the first commits) and the other learns it lost.
 */
@Repository
class RefundRepository {

    private final DatabaseClient db;

    RefundRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A redemption with what a refund decides on (its merchant and its campaign's refund window) and announces. */
    record RedemptionToRefund(StoredRedemption redemption, UUID voucherId, long campaignId, String memberId,
            RefundableRedemption refundable) {
    }

    Mono<RedemptionToRefund> find(UUID redemptionId) {
        return db.sql("select r.id, v.code, r.order_amount_cents, r.discount_cents, r.payable_cents, r.redeemed_at, r.refunded_at, "
                        + "r.voucher_id, v.campaign_id, v.member_id, r.merchant_id, c.refund_window_seconds from redemption r join voucher v on v.id = r.voucher_id "
                        + "join campaign c on c.id = v.campaign_id where r.id = :id")
                .bind("id", redemptionId)
                .map(row -> {
                    StoredRedemption redemption = VoucherRepository.redemption(row);
                    return new RedemptionToRefund(redemption, row.get("voucher_id", UUID.class), row.get("campaign_id", Long.class),
                            row.get("member_id", String.class),
                            new RefundableRedemption(row.get("merchant_id", String.class), redemption.redeemedAt(), redemption.refundedAt(),
                                    Duration.ofSeconds(row.get("refund_window_seconds", Long.class))));
                })
                .one();
    }

    /** Marks the redemption refunded unless it already is; emits whether this call refunded it. */
    Mono<Boolean> markRefunded(UUID redemptionId, Instant at) {
        return db.sql("update redemption set refunded_at = :at where id = :id and refunded_at is null")
                .bind("at", at).bind("id", redemptionId)
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /**
     * Makes the voucher of a refunded redemption unredeemed again. Called in the transaction that refunded its only
     * standing redemption (the partial unique index allows no other), so no other redemption's mark is cleared.
     */
    Mono<Void> reissue(UUID voucherId) {
        return db.sql("update voucher set redeemed_at = null where id = :id").bind("id", voucherId).then();
    }

    /** Voids the voucher unless it already is (the first reason stays); emits whether this call voided it. */
    Mono<Boolean> markVoided(UUID voucherId, String reason, String by, Instant at) {
        return db.sql("update voucher set voided_at = :at, void_reason = :reason, voided_by = :by where id = :id and voided_at is null")
                .bind("at", at).bind("reason", reason).bind("by", by).bind("id", voucherId)
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }
}
