package org.fairrush.voucher.domain;

import java.time.Duration;
import java.time.Instant;

/** The rules of a refund, free of any storage: may this merchant refund this redemption now? */
public final class Refunding {

    private Refunding() {
    }

    /** What a refund needs to know of a stored redemption; refundedAt null while it stands. */
    public record RefundableRedemption(String merchantId, Instant redeemedAt, Instant refundedAt, Duration refundWindow) {

        Instant refundableUntil() {
            return redeemedAt.plus(refundWindow);
        }
    }

    public sealed interface Decision {
    }

    public record Allowed() implements Decision {
    }

    /** Refunded before: the refund is answered again, nothing changes. */
    public record AlreadyRefunded() implements Decision {
    }

    public record NotTheRedeemingMerchant() implements Decision {
    }

    public record WindowClosed(Instant refundableUntil) implements Decision {
    }

    public static Decision decide(RefundableRedemption redemption, String merchantId, Instant now) {
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
