package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;

/**
 * A campaign as the API shows it, with its live remaining stock and status.
 *
 * @param remaining vouchers left in Redis; -1 when the pool is not loaded (see the rebuild runbook)
 * @param status    UPCOMING, OPEN, SOLD_OUT, ENDED or PAUSED
 * @param refundWindow how long after a redemption its merchant may refund it
 */
record CampaignView(
        long id,
        String name,
        int stock,
        long remaining,
        int perMemberLimit,
        Instant grabStartsAt,
        Instant grabEndsAt,
        Instant redeemStartsAt,
        Instant redeemEndsAt,
        Discount discount,
        Long fairId,
        String status,
        Duration refundWindow) {

    static CampaignView of(Campaign c, long remaining, Instant now) {
        return new CampaignView(c.id(), c.name(), c.stock(), remaining, c.perMemberLimit(), c.grabStartsAt(), c.grabEndsAt(),
                c.redeemStartsAt(), c.redeemEndsAt(), c.discount(), c.fairId(), c.status(now, remaining),
                c.refundWindow());
    }
}
