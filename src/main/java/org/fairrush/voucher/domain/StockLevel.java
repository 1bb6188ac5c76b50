package org.fairrush.voucher.domain;

/**
 * How much of a campaign's stock is granted, and whether that is low or all of it: the rule behind the webhooks
 * {@code campaign.low_stock} and {@code campaign.sold_out}. Stock is low once at most a tenth
 * of it (rounded up, so at least one voucher) is left. The level is looked at when vouchers are granted, so a campaign
 * of one voucher announces both with its grab.
 * Granted vouchers only grow (a refund reissues the voucher, it does not return stock), so each is reached once.
 */
public record StockLevel(int stock, long granted) {

    public static final int LOW_STOCK_PERCENT = 10;

    /** The number of vouchers left at or below which stock is low. */
    public int lowStockAt() {
        return (int) (((long) stock * LOW_STOCK_PERCENT + 99) / 100);
    }

    public long remaining() {
        return Math.max(0, stock - granted);
    }

    public boolean low() {
        return remaining() <= lowStockAt();
    }

    public boolean soldOut() {
        return remaining() == 0;
    }
}
