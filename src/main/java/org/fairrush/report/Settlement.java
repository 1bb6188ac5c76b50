package org.fairrush.report;

import java.time.Instant;
import java.util.List;

/**
 * What a campaign's merchants are paid back, per merchant: the redemptions they made, those they refunded, and the
 * order amounts and discounts of the redemptions that stand (the discount is what the union or the bank pays the
 * merchant). The totals are the sums of the merchants' lines, which are sums of the redemption rows read at
 * {@code asOf} (one statement, one snapshot).
 */
record Settlement(long campaignId, String campaignName, Instant asOf, List<MerchantLine> merchants, Totals totals) {

    /**
     * @param redemptions      every redemption the merchant made, refunded or not
     * @param refunds          of which refunded
     * @param orderAmountCents orders of the redemptions that stand
     * @param discountCents    their discounts: what the merchant is paid back
     * @param payableCents     what their members paid
     */
    record MerchantLine(String merchantId, long redemptions, long refunds, long orderAmountCents, long discountCents,
            long payableCents) {
    }

    record Totals(long redemptions, long refunds, long orderAmountCents, long discountCents, long payableCents) {
    }

    static Settlement of(long campaignId, String campaignName, Instant asOf, List<MerchantLine> merchants) {
        Totals totals = new Totals(
                merchants.stream().mapToLong(MerchantLine::redemptions).sum(),
                merchants.stream().mapToLong(MerchantLine::refunds).sum(),
                merchants.stream().mapToLong(MerchantLine::orderAmountCents).sum(),
                merchants.stream().mapToLong(MerchantLine::discountCents).sum(),
                merchants.stream().mapToLong(MerchantLine::payableCents).sum());
        return new Settlement(campaignId, campaignName, asOf, List.copyOf(merchants), totals);
    }
}
