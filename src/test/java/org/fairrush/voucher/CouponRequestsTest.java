package org.fairrush.voucher;

import java.time.Instant;
import java.util.List;

import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.CampaignRequests.NewDiscount;
import org.fairrush.voucher.CampaignRequests.NewRedeemHours;
import org.fairrush.voucher.CampaignRequests.NewValidity;
import org.fairrush.voucher.NewCampaignRules.RuleBroken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The coupon rules of a new campaign that no single field can check. */
class CouponRequestsTest {

    private static final Instant NOW = Instant.parse("2030-05-01T00:00:00Z");
    private static final NewRedeemHours EVENINGS = new NewRedeemHours(List.of("MON", "FRI"), "18:00", "22:00");

    private static NewCampaign campaign(String zone, Integer dailyStock, Integer perMemberDailyLimit, List<NewRedeemHours> hours) {
        return new NewCampaign("Spend 30, save 20", 100, 2, NOW.plusSeconds(3600), NOW.plusSeconds(7200), NOW.plusSeconds(3600),
                NOW.plusSeconds(30 * 86_400), new NewDiscount("AMOUNT_OFF", 2000L, 3000L), null, zone, dailyStock, perMemberDailyLimit,
                new NewValidity(7), hours);
    }

    private static List<RuleBroken> broken(NewCampaign campaign) {
        return NewCampaignRules.brokenRules(campaign, NOW);
    }

    @Test
    void acceptsSaneCouponRules() {
        NewCampaign campaign = campaign("Europe/Berlin", 10, 1, List.of(EVENINGS));
        assertThat(broken(campaign)).isEmpty();
        assertThat(campaign.rules().zone().getId()).isEqualTo("Europe/Berlin");
        assertThat(campaign.rules().redeemHours()).hasSize(1);
    }

    @Test
    void theZoneDefaultsToShanghai() {
        assertThat(campaign(null, null, null, null).rules().zone().getId()).isEqualTo("Asia/Shanghai");
    }

    @Test
    void refusesAnUnknownZone() {
        assertThat(broken(campaign("Mars/Olympus", null, null, null))).containsExactly(
                new RuleBroken("zone", "must be an IANA time zone, e.g. Asia/Shanghai"));
    }

    @Test
    void refusesADailyStockAboveTheStock() {
        assertThat(broken(campaign(null, 101, null, null))).containsExactly(new RuleBroken("dailyStock", "must not exceed stock"));
    }

    @Test
    void refusesADailyLimitAboveTheMembersLimit() {
        assertThat(broken(campaign(null, null, 3, null))).containsExactly(
                new RuleBroken("perMemberDailyLimit", "must not exceed perMemberLimit"));
    }

    @Test
    void refusesRedeemHoursThatEndBeforeTheyStart() {
        assertThat(broken(campaign(null, null, null, List.of(EVENINGS, new NewRedeemHours(List.of("SAT"), "22:00", "22:00")))))
                .containsExactly(new RuleBroken("redeemHours[1].to", "must be after from (a span ends the day it starts)"));
    }

    @Test
    void refusesUnknownDayNamesAndTimes() {
        assertThat(broken(campaign(null, null, null, List.of(new NewRedeemHours(List.of("MON", "Funday"), "9:00", "24:01")))))
                .containsExactly(new RuleBroken("redeemHours[0].days", "must be day names among MON, TUE, WED, THU, FRI, SAT, SUN"),
                        new RuleBroken("redeemHours[0].from", "must be a time HH:mm"),
                        new RuleBroken("redeemHours[0].to", "must be a time HH:mm, or 24:00"));
    }

    @Test
    void aSpanMayEndAtTheEndOfTheDayButNotStartThere() {
        assertThat(broken(campaign(null, null, null, List.of(new NewRedeemHours(List.of("SUN"), "18:00", "24:00"))))).isEmpty();
        assertThat(broken(campaign(null, null, null, List.of(new NewRedeemHours(List.of("SUN"), "24:00", "24:00")))))
                .containsExactly(new RuleBroken("redeemHours[0].from", "must be a time HH:mm"));
    }
}
