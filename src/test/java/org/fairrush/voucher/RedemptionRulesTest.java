package org.fairrush.voucher;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.CouponRules;
import org.fairrush.voucher.domain.Discount;
import org.fairrush.voucher.domain.RedeemHours;
import org.fairrush.voucher.domain.Redeeming;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A redemption under coupon rules: the voucher's own validity, the redeem hours, and their place among the other rules. */
class RedemptionRulesTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** Friday 3 May 2030, 12:00 in Shanghai. */
    private static final Instant FRIDAY_NOON = Instant.parse("2030-05-03T04:00:00Z");
    private static final RedeemHours WEEKDAYS_10_TO_22 = new RedeemHours(Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY,
            DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY), LocalTime.of(10, 0), LocalTime.of(22, 0));

    private static Campaign campaign(CouponRules rules) {
        return new Campaign(1, "Spend 30, save 20", 100, 1, FRIDAY_NOON.minusSeconds(86_400), FRIDAY_NOON.minusSeconds(3600),
                FRIDAY_NOON.minusSeconds(86_400), FRIDAY_NOON.plusSeconds(30 * 86_400), new Discount(Discount.AMOUNT_OFF, 2000, 3000),
                null, false, rules);
    }

    private static Redeeming.Decision redeemAt(Campaign campaign, Instant validUntil, Instant at) {
        return Redeeming.decide(campaign, validUntil, false, 3000, at);
    }

    @Test
    void refusesAVoucherWhoseValidityIsOver() {
        Campaign sevenDays = campaign(new CouponRules(SHANGHAI, null, null, 7, List.of()));
        assertThat(redeemAt(sevenDays, FRIDAY_NOON, FRIDAY_NOON)).isEqualTo(new Redeeming.VoucherExpired(FRIDAY_NOON));
        assertThat(redeemAt(sevenDays, FRIDAY_NOON, FRIDAY_NOON.minusMillis(1))).isInstanceOf(Redeeming.Allowed.class);
    }

    @Test
    void refusesOutsideTheRedeemHoursInTheZone() {
        Campaign weekdays = campaign(new CouponRules(SHANGHAI, null, null, null, List.of(WEEKDAYS_10_TO_22)));
        Instant validUntil = weekdays.redeemEndsAt();
        assertThat(redeemAt(weekdays, validUntil, FRIDAY_NOON)).isInstanceOf(Redeeming.Allowed.class);
        assertThat(redeemAt(weekdays, validUntil, FRIDAY_NOON.plusSeconds(10 * 3600)))
                .isEqualTo(new Redeeming.OutsideRedeemHours(List.of(WEEKDAYS_10_TO_22), SHANGHAI));
    }

    @Test
    void theCampaignsWindowIsCheckedFirst() {
        Campaign sevenDays = campaign(new CouponRules(SHANGHAI, null, null, 7, List.of(WEEKDAYS_10_TO_22)));
        assertThat(redeemAt(sevenDays, FRIDAY_NOON, sevenDays.redeemEndsAt())).isInstanceOf(Redeeming.OutsideWindow.class);
    }

    @Test
    void theThresholdComesAfterTheCouponRules() {
        Campaign weekdays = campaign(new CouponRules(SHANGHAI, null, null, null, List.of(WEEKDAYS_10_TO_22)));
        assertThat(Redeeming.decide(weekdays, weekdays.redeemEndsAt(), false, 100, FRIDAY_NOON.plusSeconds(10 * 3600)))
                .isInstanceOf(Redeeming.OutsideRedeemHours.class);
    }
}
