package org.fairrush.load;

import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A few lines after each run on what the ledger saw, beside Gatling's own report. */
final class Report {

    private static final Logger log = LoggerFactory.getLogger("fairrush.load");

    private Report() {
    }

    static void vouchers(String simulation, VoucherLedger ledger) {
        Api.CampaignRef campaign = ledger.campaign();
        if (campaign == null) {
            return;
        }
        log.info("{}: campaign {} stock {} limit {}: {} distinct vouchers granted, {} redeemed, {} redemptions of which {} refunded; "
                        + "final outcomes {}", simulation, campaign.id(), campaign.stock(), campaign.perMemberLimit(), ledger.distinctGranted(),
                ledger.redeemedCount(), ledger.redemptionCount(), ledger.refundCount(), new TreeMap<>(ledger.outcomes()));
    }

    static void stalls(String simulation, StallLedger ledger) {
        Api.FairRef fair = ledger.fair();
        if (fair == null) {
            return;
        }
        log.info("{}: fair {} with {} stalls {}: {} confirmed, {} waitlisted; final outcomes {}",
                simulation, fair.id(), fair.stalls(), fair.stallsByCategory(), ledger.confirmedCount(),
                ledger.waitlistedCount(), new TreeMap<>(ledger.outcomes()));
    }

    static void offers(String simulation, OfferLedger ledger) {
        Api.FairRef fair = ledger.fair();
        if (fair == null) {
            return;
        }
        log.info("{}: offering fair {} with {} stalls: {} offers seen, {} accepted, {} left; final outcomes {}",
                simulation, fair.id(), fair.stalls(), ledger.offersSeen(), ledger.acceptedCount(), ledger.leftCount(),
                new TreeMap<>(ledger.outcomes()));
    }
}
