package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.fairrush.voucher.CampaignRequests.NewRedeemHours;
import org.fairrush.voucher.CampaignRequests.NewValidity;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.CouponRules;
import org.fairrush.voucher.domain.Discount;
import org.fairrush.voucher.domain.Opening;

/**
 * A campaign as the API shows it, with its live remaining stock and status.
 *
 * @param remaining vouchers left in Redis; -1 when the pool is not loaded (see the rebuild runbook)
 * @param status    UPCOMING, OPEN, SOLD_OUT, ENDED or PAUSED
 * @param zone      the zone of the coupon rules' days and hours; the rules a campaign does not have are null
 * @param refundWindow how long after a redemption its merchant may refund it
 * @param allocation FIRST_COME or RANDOMIZED_OPENING (then {@code opening} says more)
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
        Duration refundWindow,
        String allocation,
        @JsonInclude(JsonInclude.Include.NON_NULL) OpeningView opening) {

    /**
     * A randomized opening as the API shows it: the opening window, when its result is due, and the seed commitment
     * (published before the opening, so nobody can choose the seed after seeing the entries).
     */
    record OpeningView(String openingWindow, Instant resultAt, String seedCommitment) {
    }

    static CampaignView of(Campaign c, long remaining, Instant now) {
        CouponRules rules = c.rules();
        return new CampaignView(c.id(), c.name(), c.stock(), remaining, c.perMemberLimit(), c.grabStartsAt(), c.grabEndsAt(),
                c.redeemStartsAt(), c.redeemEndsAt(), c.discount(), c.fairId(), c.status(now, remaining), rules.zone().getId(),
                rules.dailyStock(), rules.perMemberDailyLimit(), rules.hasValidity() ? new NewValidity(rules.validityDays()) : null,
                rules.redeemHours().isEmpty() ? null : rules.redeemHours().stream()
                        .map(hours -> new NewRedeemHours(hours.dayNames(), hours.fromText(), hours.toText())).toList(),
                c.refundWindow(), Opening.FIRST_COME, null);
    }

    /** This view with the campaign's allocation: first come, or its randomized opening. */
    CampaignView with(Optional<Opening> opening) {
        return opening.map(o -> new CampaignView(id, name, stock, remaining, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt,
                        redeemEndsAt, discount, fairId, status, zone, dailyStock, perMemberDailyLimit, validity, redeemHours, refundWindow,
                Opening.RANDOMIZED,
                        new OpeningView(o.window().toString(), o.resultAt(), o.commitment().hex())))
                .orElse(this);
    }
}
