package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;

import org.fairrush.voucher.domain.Refunding;
import org.fairrush.voucher.domain.Refunding.RefundableRedemption;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RefundingTest {

    private static final Instant REDEEMED = Instant.parse("2026-12-01T12:00:00Z");
    private static final RefundableRedemption STANDING = new RefundableRedemption("stall-1", REDEEMED, null, Duration.ofDays(7));

    @Test
    void allowsTheRedeemingMerchantInsideTheWindow() {
        assertThat(Refunding.decide(STANDING, "stall-1", REDEEMED.plus(Duration.ofDays(7)).minusNanos(1000)))
                .isEqualTo(new Refunding.Allowed());
    }

    @Test
    void refusesAtTheEndOfTheWindow() {
        assertThat(Refunding.decide(STANDING, "stall-1", REDEEMED.plus(Duration.ofDays(7))))
                .isEqualTo(new Refunding.WindowClosed(REDEEMED.plus(Duration.ofDays(7))));
    }

    @Test
    void refusesAnotherMerchantEvenAfterTheRefund() {
        RefundableRedemption refunded = new RefundableRedemption("stall-1", REDEEMED, REDEEMED.plusSeconds(60), Duration.ofDays(7));
        assertThat(Refunding.decide(STANDING, "stall-2", REDEEMED)).isEqualTo(new Refunding.NotTheRedeemingMerchant());
        assertThat(Refunding.decide(refunded, "stall-2", REDEEMED)).isEqualTo(new Refunding.NotTheRedeemingMerchant());
    }

    @Test
    void answersARefundedRedemptionAsRefundedEvenAfterTheWindow() {
        RefundableRedemption refunded = new RefundableRedemption("stall-1", REDEEMED, REDEEMED.plusSeconds(60), Duration.ofDays(7));
        assertThat(Refunding.decide(refunded, "stall-1", REDEEMED.plus(Duration.ofDays(30)))).isEqualTo(new Refunding.AlreadyRefunded());
    }

    @Test
    void aWindowOfZeroAllowsNoRefund() {
        RefundableRedemption noRefunds = new RefundableRedemption("stall-1", REDEEMED, null, Duration.ZERO);
        assertThat(Refunding.decide(noRefunds, "stall-1", REDEEMED)).isInstanceOf(Refunding.WindowClosed.class);
    }
}
