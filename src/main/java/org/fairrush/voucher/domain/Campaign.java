package org.fairrush.voucher.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * A voucher campaign, e.g. "spend 30, save 20": a stock of vouchers, a per-member limit, a window in
 * which members grab them and a window in which merchants redeem them; a redemption may be refunded within
 * {@code refundWindow} of it. Its stock may be split over {@code buckets} pools (docs/design.md section 11, note 33).
 */
public record Campaign(
        long id,
        String name,
        int stock,
        int perMemberLimit,
        Instant grabStartsAt,
        Instant grabEndsAt,
        Instant redeemStartsAt,
        Instant redeemEndsAt,
        Discount discount,
        Long fairId,
        boolean paused,
        CouponRules rules,
        Duration refundWindow,
        int buckets) {

    /** A campaign whose stock is one pool (one bucket). */
    Campaign(long id, String name, int stock, int perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
            Instant redeemStartsAt, Instant redeemEndsAt, Discount discount, Long fairId, boolean paused, CouponRules rules,
            Duration refundWindow) {
        this(id, name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId, paused,
                rules, refundWindow, 1);
    }

    /** How long after a redemption a merchant may refund it when the campaign names no window. */
    public static final Duration DEFAULT_REFUND_WINDOW = Duration.ofDays(7);

    /** A campaign without coupon rules (as before they existed), with the default refund window. */
    public Campaign(long id, String name, int stock, int perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
            Instant redeemStartsAt, Instant redeemEndsAt, Discount discount, Long fairId, boolean paused) {
        this(id, name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId, paused,
                CouponRules.NONE, DEFAULT_REFUND_WINDOW);
    }

    /** A campaign with coupon rules and the default refund window. */
    public Campaign(long id, String name, int stock, int perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
            Instant redeemStartsAt, Instant redeemEndsAt, Discount discount, Long fairId, boolean paused, CouponRules rules) {
        this(id, name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId, paused,
                rules, DEFAULT_REFUND_WINDOW);
    }

    /** A campaign without coupon rules, with its refund window. */
    public Campaign(long id, String name, int stock, int perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
            Instant redeemStartsAt, Instant redeemEndsAt, Discount discount, Long fairId, boolean paused, Duration refundWindow) {
        this(id, name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId, paused,
                CouponRules.NONE, refundWindow);
    }

    /** The campaign's status as union staff see it at {@code now}. */
    public String status(Instant now, long remaining) {
        if (paused) {
            return "PAUSED";
        }
        if (now.isBefore(grabStartsAt)) {
            return "UPCOMING";
        }
        if (!now.isBefore(grabEndsAt)) {
            return "ENDED";
        }
        return remaining == 0 ? "SOLD_OUT" : "OPEN";
    }

    public boolean redeemableAt(Instant now) {
        return !now.isBefore(redeemStartsAt) && now.isBefore(redeemEndsAt);
    }
}
