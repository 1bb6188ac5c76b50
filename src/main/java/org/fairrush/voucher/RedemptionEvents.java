package org.fairrush.voucher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.fairrush.outbox.OutboxEvent;
import org.fairrush.outbox.OutboxEventTypes;
import org.fairrush.voucher.VoucherRepository.StoredRedemption;
import org.springframework.stereotype.Component;

/**
 * What a redemption and its refund mean to webhook receivers. Both are Postgres transactions, not claims, so their
 * events travel through the outbox (written in the same transaction, see {@link org.fairrush.outbox.EventOutbox}),
 * one per redemption each, with ids derived from the redemption: a voucher redeemed, refunded and redeemed again has
 * two redemptions and so announces each. As with {@value VoucherClaimEvents#GRANTED}, the voucher's code is left out.
 */
@Component
class RedemptionEvents implements OutboxEventTypes {

    static final String REDEEMED = "voucher.redeemed";
    static final String REFUNDED = "voucher.refunded";

    @Override
    public Set<String> types() {
        return Set.of(REDEEMED, REFUNDED);
    }

    /** Who redeemed which voucher of whose, and what it was worth. */
    record Redemption(StoredRedemption redemption, UUID voucherId, long campaignId, String memberId, String merchantId) {
    }

    static OutboxEvent redeemed(Redemption r) {
        return new OutboxEvent("evt_redeemed_" + r.redemption().id(), REDEEMED, r.redemption().redeemedAt(), data(r));
    }

    /** @param r the redemption as refunded (its {@code refundedAt} set) */
    static OutboxEvent refunded(Redemption r) {
        Map<String, Object> data = data(r);
        data.put("refundedAt", r.redemption().refundedAt().toString());
        return new OutboxEvent("evt_refunded_" + r.redemption().id(), REFUNDED, r.redemption().refundedAt(), data);
    }

    private static Map<String, Object> data(Redemption r) {
        StoredRedemption redemption = r.redemption();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("redemptionId", redemption.id().toString());
        data.put("voucherId", r.voucherId().toString());
        data.put("campaignId", r.campaignId());
        data.put("memberId", r.memberId());
        data.put("merchantId", r.merchantId());
        data.put("orderAmountCents", redemption.orderAmountCents());
        data.put("discountCents", redemption.discountCents());
        data.put("payableCents", redemption.payableCents());
        data.put("redeemedAt", redemption.redeemedAt().toString());
        return data;
    }
}
