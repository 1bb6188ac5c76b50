package org.fairrush.voucher.domain;

import java.time.Instant;

/** A voucher's status as its holder sees it: the one place it is derived. */
public enum VoucherStatus {
    ISSUED, REDEEMED, EXPIRED, VOID;

    /**
     * @param voidedAt   when staff voided it, null unless they did
     * @param redeemedAt when it was redeemed, null while it is not
     * @param validUntil the end of its own validity (see {@link CouponRules#validUntil})
     */
    public static VoucherStatus of(Instant voidedAt, Instant redeemedAt, Instant validUntil, Instant now) {
        if (voidedAt != null) {
            return VOID;
        }
        if (redeemedAt != null) {
            return REDEEMED;
        }
        return now.isBefore(validUntil) ? ISSUED : EXPIRED;
    }
}
