package org.fairrush.voucher.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * The coupon rules a redemption meets on top of the campaign's window ({@link Redeeming}): the voucher's own validity
 * and the redeem hours, both in the campaign's zone. Free of any storage.
 */
public final class RedemptionRules {

    private RedemptionRules() {
    }

    /** Why a voucher valid until {@code validUntil} may not be redeemed at {@code now}, or empty when the rules allow it. */
    public static Optional<Redeeming.Decision> refusal(CouponRules rules, Instant validUntil, Instant now) {
        if (rules.hasValidity() && !now.isBefore(validUntil)) {
            return Optional.of(new Redeeming.VoucherExpired(validUntil));
        }
        if (!rules.inRedeemHours(now)) {
            return Optional.of(new Redeeming.OutsideRedeemHours(rules.redeemHours(), rules.zone()));
        }
        return Optional.empty();
    }
}
