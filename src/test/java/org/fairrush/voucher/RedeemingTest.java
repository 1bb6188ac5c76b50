package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;

import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.Discount;
import org.fairrush.voucher.domain.Redeeming;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The redemption rules on their own. */
class RedeemingTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    static Campaign spend30Save20(Instant redeemStartsAt, Instant redeemEndsAt) {
        return new Campaign(1, "Spend 30, save 20", 100, 1, NOW.minusSeconds(7200), NOW.minusSeconds(3600),
                redeemStartsAt, redeemEndsAt, new Discount(Discount.AMOUNT_OFF, 2000, 3000), null, false, Duration.ofDays(7));
    }

    private static final Campaign OPEN = spend30Save20(NOW.minusSeconds(60), NOW.plusSeconds(60));

    @Test
    void takesTheAmountOffAnOrderAtTheThreshold() {
        assertThat(Redeeming.decide(OPEN, OPEN.redeemEndsAt(), false, 3000, NOW)).isEqualTo(new Redeeming.Allowed(2000, 1000));
    }

    @Test
    void refusesOneCentBelowTheThreshold() {
        assertThat(Redeeming.decide(OPEN, OPEN.redeemEndsAt(), false, 2999, NOW)).isEqualTo(new Redeeming.BelowThreshold(3000));
    }

    @Test
    void neverDiscountsMoreThanTheOrder() {
        Campaign noMinimum = new Campaign(1, "Bank coupon", 100, 1, NOW, NOW, NOW.minusSeconds(1), NOW.plusSeconds(1),
                new Discount(Discount.AMOUNT_OFF, 2000, 0), null, false);
        assertThat(Redeeming.decide(noMinimum, noMinimum.redeemEndsAt(), false, 1500, NOW)).isEqualTo(new Redeeming.Allowed(1500, 0));
    }

    @Test
    void refusesAnAlreadyRedeemedVoucherFirst() {
        assertThat(Redeeming.decide(OPEN, OPEN.redeemEndsAt(), true, 100, NOW)).isInstanceOf(Redeeming.AlreadyRedeemed.class);
    }

    @Test
    void theWindowIncludesItsStartAndExcludesItsEnd() {
        Campaign window = spend30Save20(NOW, NOW.plusSeconds(60));
        assertThat(Redeeming.decide(window, window.redeemEndsAt(), false, 3000, NOW)).isInstanceOf(Redeeming.Allowed.class);
        assertThat(Redeeming.decide(window, window.redeemEndsAt(), false, 3000, NOW.plusSeconds(60))).isInstanceOf(Redeeming.OutsideWindow.class);
        assertThat(Redeeming.decide(window, window.redeemEndsAt(), false, 3000, NOW.minusMillis(1))).isInstanceOf(Redeeming.OutsideWindow.class);
    }
}
