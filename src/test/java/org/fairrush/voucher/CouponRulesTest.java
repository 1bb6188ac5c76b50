package org.fairrush.voucher;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import org.fairrush.voucher.domain.CouponRules;
import org.fairrush.voucher.domain.RedeemHours;
import org.fairrush.voucher.domain.VoucherStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The coupon rules without any storage: validity from the grab, redeem hours in the zone, the wallet's status. */
class CouponRulesTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant GRABBED = Instant.parse("2030-05-01T02:00:00Z");
    private static final Instant REDEEM_ENDS = Instant.parse("2030-05-31T14:00:00Z");

    private static CouponRules validFor(int days, ZoneId zone) {
        return new CouponRules(zone, null, null, days, List.of());
    }

    private static CouponRules weekdayEvenings(ZoneId zone) {
        return new CouponRules(zone, null, null, null, List.of(new RedeemHours(
                Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY),
                LocalTime.of(18, 0), LocalTime.of(22, 0))));
    }

    @Test
    void aVoucherIsValidForItsDaysFromTheGrab() {
        assertThat(validFor(7, SHANGHAI).validUntil(GRABBED, REDEEM_ENDS)).isEqualTo(Instant.parse("2030-05-08T02:00:00Z"));
    }

    @Test
    void aVouchersValidityNeverPassesTheRedemptionWindow() {
        assertThat(validFor(60, SHANGHAI).validUntil(GRABBED, REDEEM_ENDS)).isEqualTo(REDEEM_ENDS);
    }

    @Test
    void withoutValidityAVoucherIsValidForTheRedemptionWindow() {
        assertThat(CouponRules.NONE.validUntil(GRABBED, REDEEM_ENDS)).isEqualTo(REDEEM_ENDS);
    }

    @Test
    void validityCountsCalendarDaysInTheZoneAcrossADaylightSavingChange() {
        Instant beforeTheChange = Instant.parse("2030-03-30T10:00:00Z");
        assertThat(validFor(1, BERLIN).validUntil(beforeTheChange, REDEEM_ENDS))
                .as("11:00 CET to 11:00 CEST is 23 hours").isEqualTo(Instant.parse("2030-03-31T10:00:00Z").minusSeconds(3600));
    }

    @Test
    void redeemHoursAreTheZonesClockHours() {
        // Friday 3 May 2030, 18:00 in Shanghai is 10:00 UTC.
        assertThat(weekdayEvenings(SHANGHAI).inRedeemHours(Instant.parse("2030-05-03T10:00:00Z"))).isTrue();
        assertThat(weekdayEvenings(SHANGHAI).inRedeemHours(Instant.parse("2030-05-03T09:59:59Z"))).isFalse();
        assertThat(weekdayEvenings(BERLIN).inRedeemHours(Instant.parse("2030-05-03T10:00:00Z"))).isFalse();
    }

    @Test
    void redeemHoursEndBeforeTheirTo() {
        assertThat(weekdayEvenings(SHANGHAI).inRedeemHours(Instant.parse("2030-05-03T13:59:59Z"))).isTrue();
        assertThat(weekdayEvenings(SHANGHAI).inRedeemHours(Instant.parse("2030-05-03T14:00:00Z"))).isFalse();
    }

    @Test
    void redeemHoursKeepToTheirDaysInTheZone() {
        // Saturday 4 May 2030, 19:00 in Shanghai; still Saturday in UTC, but the rule is the zone's weekday.
        assertThat(weekdayEvenings(SHANGHAI).inRedeemHours(Instant.parse("2030-05-04T11:00:00Z"))).isFalse();
    }

    @Test
    void aSpanToMidnightCoversTheDaysLastSecond() {
        CouponRules lateSunday = new CouponRules(SHANGHAI, null, null, null, List.of(new RedeemHours(Set.of(DayOfWeek.SUNDAY),
                LocalTime.of(18, 0), LocalTime.MAX)));
        // Sunday 5 May 2030 23:59:59 in Shanghai, then Monday 00:00.
        assertThat(lateSunday.inRedeemHours(Instant.parse("2030-05-05T15:59:59Z"))).isTrue();
        assertThat(lateSunday.inRedeemHours(Instant.parse("2030-05-05T16:00:00Z"))).isFalse();
        assertThat(RedeemHours.spec(lateSunday.redeemHours())).isEqualTo("SUN 18:00-24:00");
        assertThat(RedeemHours.parseSpec("SUN 18:00-24:00")).isEqualTo(lateSunday.redeemHours());
    }

    @Test
    void noRedeemHoursMeansAnyHour() {
        assertThat(CouponRules.NONE.inRedeemHours(Instant.parse("2030-05-04T20:00:00Z"))).isTrue();
    }

    @Test
    void redeemHoursSurviveTheirStoredForm() {
        List<RedeemHours> hours = List.of(new RedeemHours(Set.of(DayOfWeek.SUNDAY, DayOfWeek.MONDAY), LocalTime.of(9, 30),
                LocalTime.of(23, 59)), weekdayEvenings(SHANGHAI).redeemHours().get(0));
        assertThat(RedeemHours.spec(hours)).isEqualTo("MON,SUN 09:30-23:59;MON,TUE,WED,THU,FRI 18:00-22:00");
        assertThat(RedeemHours.parseSpec(RedeemHours.spec(hours))).isEqualTo(hours);
    }

    @Test
    void aVoucherIsExpiredFromTheEndOfItsValidity() {
        Instant validUntil = Instant.parse("2030-05-08T02:00:00Z");
        assertThat(VoucherStatus.of(null, null, validUntil, validUntil.minusMillis(1))).isEqualTo(VoucherStatus.ISSUED);
        assertThat(VoucherStatus.of(null, null, validUntil, validUntil)).isEqualTo(VoucherStatus.EXPIRED);
        assertThat(VoucherStatus.of(null, GRABBED, validUntil, validUntil)).isEqualTo(VoucherStatus.REDEEMED);
        assertThat(VoucherStatus.of(GRABBED, GRABBED, validUntil, validUntil.minusMillis(1))).isEqualTo(VoucherStatus.VOID);
    }

    @Test
    void noDailyQuotaWithoutDailyRules() {
        assertThat(CouponRules.NONE.dailyQuota()).isNull();
        assertThat(new CouponRules(SHANGHAI, 100, null, null, List.of()).dailyQuota().perActor()).isZero();
    }
}
