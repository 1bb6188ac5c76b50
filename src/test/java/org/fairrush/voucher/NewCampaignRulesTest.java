package org.fairrush.voucher;

import java.time.Instant;

import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.CampaignRequests.NewDiscount;
import org.fairrush.voucher.NewCampaignRules.RuleBroken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules that span several fields of a new campaign. */
class NewCampaignRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");

    private static NewCampaign campaign(Instant grabStarts, Instant grabEnds, Instant redeemStarts, Instant redeemEnds,
            long off, long min) {
        return new NewCampaign("Spend 30, save 20", 2000, 1, grabStarts, grabEnds, redeemStarts, redeemEnds,
                new NewDiscount("AMOUNT_OFF", off, min), null, null);
    }

    private static final Instant TEN = NOW.plusSeconds(3600);
    private static final Instant TEN_THIRTY = TEN.plusSeconds(1800);
    private static final Instant MONTH_END = NOW.plusSeconds(30 * 86400);

    @Test
    void acceptsASaneCampaign() {
        assertThat(NewCampaignRules.brokenRules(campaign(TEN, TEN_THIRTY, TEN, MONTH_END, 2000, 3000), NOW)).isEmpty();
    }

    @Test
    void refusesAGrabWindowThatEndsBeforeItStarts() {
        assertThat(NewCampaignRules.brokenRules(campaign(TEN_THIRTY, TEN, TEN, MONTH_END, 2000, 3000), NOW))
                .contains(new RuleBroken("grabEndsAt", "must be after grabStartsAt"));
    }

    @Test
    void refusesACampaignThatIsOverAlready() {
        assertThat(NewCampaignRules.brokenRules(campaign(NOW.minusSeconds(7200), NOW.minusSeconds(1), NOW, MONTH_END, 2000, 3000), NOW))
                .contains(new RuleBroken("grabEndsAt", "must be in the future"));
    }

    @Test
    void refusesARedemptionWindowEndingBeforeTheGrabsEnd() {
        assertThat(NewCampaignRules.brokenRules(campaign(TEN, TEN_THIRTY, TEN, TEN.plusSeconds(60), 2000, 3000), NOW))
                .contains(new RuleBroken("redeemEndsAt", "must not be before grabEndsAt"));
    }

    @Test
    void refusesADiscountAboveTheMinimumSpend() {
        assertThat(NewCampaignRules.brokenRules(campaign(TEN, TEN_THIRTY, TEN, MONTH_END, 3001, 3000), NOW))
                .contains(new RuleBroken("discount.amountOffCents", "must not exceed minSpendCents"));
    }
}
