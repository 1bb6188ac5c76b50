package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.fairrush.voucher.CampaignRequests.NewRedeemHours;
import org.fairrush.voucher.CampaignRequests.NewValidity;

/**
 * A campaign as the API shows it, with its live remaining stock and status.
 *
 * @param remaining vouchers left in Redis; -1 when the pool is not loaded (see the rebuild runbook)
 * @param status    UPCOMING, OPEN, SOLD_OUT, ENDED or PAUSED
 * @param zone      the zone of the coupon rules' days and hours; the rules a campaign does not have are null
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
        String zone,
        Integer dailyStock,
        Integer perMemberDailyLimit,
        NewValidity validity,
        List<NewRedeemHours> redeemHours,
        Duration refundWindow) {

    static CampaignView of(Campaign c, long remaining, Instant now) {
        CouponRules rules = c.rules();
        return new CampaignView(c.id(), c.name(), c.stock(), remaining, c.perMemberLimit(), c.grabStartsAt(), c.grabEndsAt(),
                c.redeemStartsAt(), c.redeemEndsAt(), c.discount(), c.fairId(), c.status(now, remaining), rules.zone().getId(),
                rules.dailyStock(), rules.perMemberDailyLimit(), rules.hasValidity() ? new NewValidity(rules.validityDays()) : null,
                rules.redeemHours().isEmpty() ? null : rules.redeemHours().stream()
                        .map(hours -> new NewRedeemHours(hours.dayNames(), hours.fromText(), hours.toText())).toList(),
                c.refundWindow());
    }
}
