package org.fairrush.voucher.domain;

import java.time.Instant;

/** The rules of a redemption, free of any storage: may this voucher be redeemed for this order now? */
public final class Redeeming {

    private Redeeming() {
    }

    public sealed interface Decision {
    }

    public record Allowed(long discountCents, long payableCents) implements Decision {
    }

    public record AlreadyRedeemed() implements Decision {
    }

    public record OutsideWindow(Instant redeemStartsAt, Instant redeemEndsAt) implements Decision {
    }

    public record BelowThreshold(long minSpendCents) implements Decision {
    }

    /** The voucher's own validity (counted from its grab) is over. */
    public record VoucherExpired(Instant validUntil) implements Decision {
    }

    public record OutsideRedeemHours(java.util.List<RedeemHours> hours, java.time.ZoneId zone) implements Decision {
    }

    /** Staff voided the voucher: never redeemable again. */
    public record Voided(String reason) implements Decision {
    }

    /** The campaign belongs to a fair at which the merchant holds no confirmed stall. */
    public record NotAtFair(long fairId) implements Decision {
    }

    /** @param validUntil the end of the voucher's own validity, see {@link CouponRules#validUntil} */
    public static Decision decide(Campaign campaign, Instant validUntil, boolean alreadyRedeemed, long orderAmountCents, Instant now) {
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
