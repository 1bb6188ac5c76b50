package org.fairrush.voucher;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A campaign as the API shows it, with its live remaining stock and status.
 *
 * @param remaining vouchers left in Redis; -1 when the pool is not loaded (see the rebuild runbook)
 * @param status    UPCOMING, OPEN, SOLD_OUT, ENDED or PAUSED
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
        String allocation,
        @JsonInclude(JsonInclude.Include.NON_NULL) OpeningView opening) {

    /**
     * A randomized opening as the API shows it: the opening window, when its result is due, and the seed commitment
     * (published before the opening, so nobody can choose the seed after seeing the entries).
     */
    record OpeningView(String openingWindow, Instant resultAt, String seedCommitment) {
    }

    static CampaignView of(Campaign c, long remaining, Instant now) {
        return new CampaignView(c.id(), c.name(), c.stock(), remaining, c.perMemberLimit(), c.grabStartsAt(), c.grabEndsAt(),
                c.redeemStartsAt(), c.redeemEndsAt(), c.discount(), c.fairId(), c.status(now, remaining), Opening.FIRST_COME, null);
    }

    /** This view with the campaign's allocation: first come, or its randomized opening. */
    CampaignView with(Optional<Opening> opening) {
        return opening.map(o -> new CampaignView(id, name, stock, remaining, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt,
                        redeemEndsAt, discount, fairId, status, Opening.RANDOMIZED,
                        new OpeningView(o.window().toString(), o.resultAt(), o.commitment().hex())))
                .orElse(this);
    }
}
