package org.fairrush.voucher;

import java.time.Instant;

/** The rules of a redemption, free of any storage: may this voucher be redeemed for this order now? */
final class Redeeming {

    private Redeeming() {
    }

    sealed interface Decision {
    }

    record Allowed(long discountCents, long payableCents) implements Decision {
    }

    record AlreadyRedeemed() implements Decision {
    }

    record OutsideWindow(Instant redeemStartsAt, Instant redeemEndsAt) implements Decision {
    }

    record BelowThreshold(long minSpendCents) implements Decision {
    }

    /** The voucher's own validity (counted from its grab) is over. */
    record VoucherExpired(Instant validUntil) implements Decision {
    }

    record OutsideRedeemHours(java.util.List<RedeemHours> hours, java.time.ZoneId zone) implements Decision {
    }

    /** Staff voided the voucher: never redeemable again. */
    record Voided(String reason) implements Decision {
    }

    /** The campaign belongs to a fair at which the merchant holds no confirmed stall. */
    record NotAtFair(long fairId) implements Decision {
    }

    /** @param validUntil the end of the voucher's own validity, see {@link CouponRules#validUntil} */
    static Decision decide(Campaign campaign, Instant validUntil, boolean alreadyRedeemed, long orderAmountCents, Instant now) {
        if (alreadyRedeemed) {
            return new AlreadyRedeemed();
        }
        if (!campaign.redeemableAt(now)) {
            return new OutsideWindow(campaign.redeemStartsAt(), campaign.redeemEndsAt());
        }
        java.util.Optional<Decision> ruled = RedemptionRules.refusal(campaign.rules(), validUntil, now);
        if (ruled.isPresent()) {
            return ruled.get();
        }
        Discount discount = campaign.discount();
        if (!discount.appliesTo(orderAmountCents)) {
            return new BelowThreshold(discount.minSpendCents());
        }
        long off = discount.discountOn(orderAmountCents);
        return new Allowed(off, orderAmountCents - off);
    }
}
