package org.fairrush.voucher.domain;

/**
 * What a voucher takes off an order: {@code amountOffCents} once the order reaches {@code minSpendCents}
 * ("spend 30, save 20" is 2000 off from 3000). The discount never exceeds the order.
 */
public record Discount(String type, long amountOffCents, long minSpendCents) {

    public static final String AMOUNT_OFF = "AMOUNT_OFF";

    public boolean appliesTo(long orderAmountCents) {
        return orderAmountCents >= minSpendCents;
    }

    public long discountOn(long orderAmountCents) {
        return Math.min(amountOffCents, orderAmountCents);
    }
}
