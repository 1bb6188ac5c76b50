package org.fairrush.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A fair as its organisers report on it, read at {@code asOf}: stalls per category, registrations by the status the
 * API shows, and the vouchers of the campaigns held for the fair.
 */
record FairReport(long fairId, String fairName, Instant asOf, List<CategoryLine> categories, Map<String, Long> registrationsByStatus,
        List<CampaignLine> campaigns) {

    /**
     * @param confirmed       registrations holding a stall
     * @param waitlisted      registrations waiting for one (a lottery's before its draw count as {@code entered})
     * @param offered         registrations offered a freed stall, not yet accepted (status OFFERED)
     * @param feesDueCents    fees of the confirmed registrations
     * @param feesWaivedCents the category's fee for each confirmed merchant selling at a special offer, who pays none
     */
    record CategoryLine(String code, String name, int stalls, long confirmed, long waitlisted, long entered, long offered,
            long feesDueCents, long feesWaivedCents) {
    }

    /**
     * @param granted        vouchers stored
     * @param redeemed       vouchers redeemed now (their redemption stands)
     * @param refunded       redemptions refunded
     * @param voided         vouchers staff voided
     * @param discountCents  discounts of the standing redemptions
     * @param redemptionRate redeemed / granted, four decimals (0 with nothing granted)
     */
    record CampaignLine(long campaignId, String name, long granted, long redeemed, long refunded, long voided, long discountCents,
            BigDecimal redemptionRate) {

        static CampaignLine of(long campaignId, String name, long granted, long redeemed, long refunded, long voided, long discountCents) {
            BigDecimal rate = granted == 0 ? BigDecimal.ZERO.setScale(4)
                    : BigDecimal.valueOf(redeemed).divide(BigDecimal.valueOf(granted), 4, RoundingMode.HALF_EVEN);
            return new CampaignLine(campaignId, name, granted, redeemed, refunded, voided, discountCents, rate);
        }
    }

    /** The status the API shows for a registration's stored claim status (docs/design.md section 7); other names as stored. */
    static String shownStatus(String claimStatus, boolean undrawnLottery) {
        return switch (claimStatus) {
            case "HELD" -> "CONFIRMED";
            case "WAITING" -> undrawnLottery ? "ENTERED" : "WAITLISTED";
            case "RELEASED" -> "CANCELLED";
            default -> claimStatus;
        };
    }
}
