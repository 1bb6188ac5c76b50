package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;

/** The rules of a refund, free of any storage: may this merchant refund this redemption now? */
final class Refunding {

    private Refunding() {
    }

    /** What a refund needs to know of a stored redemption; refundedAt null while it stands. */
    record RefundableRedemption(String merchantId, Instant redeemedAt, Instant refundedAt, Duration refundWindow) {

        Instant refundableUntil() {
            return redeemedAt.plus(refundWindow);
        }
    }

    sealed interface Decision {
    }

    record Allowed() implements Decision {
    }

    /** Refunded before: the refund is answered again, nothing changes. */
    record AlreadyRefunded() implements Decision {
    }

    record NotTheRedeemingMerchant() implements Decision {
    }

    record WindowClosed(Instant refundableUntil) implements Decision {
    }

    static Decision decide(RefundableRedemption redemption, String merchantId, Instant now) {
        if (!redemption.merchantId().equals(merchantId)) {
            return new NotTheRedeemingMerchant();
        }
        if (redemption.refundedAt() != null) {
            return new AlreadyRefunded();
        }
        if (!now.isBefore(redemption.refundableUntil())) {
            return new WindowClosed(redemption.refundableUntil());
        }
        return new Allowed();
    }
}
