package org.fairrush.voucher;

/**
 * How much of a campaign's stock is granted, and whether that is low or all of it: the rule behind
 * {@value CampaignStockEvents#LOW_STOCK} and {@value CampaignStockEvents#SOLD_OUT}. Stock is low once at most a tenth
 * of it (rounded up, so at least one voucher) is left. The level is looked at when vouchers are granted, so a campaign
 * of one voucher announces both with its grab.
 * Granted vouchers only grow (a refund reissues the voucher, it does not return stock), so each is reached once.
 */
record StockLevel(int stock, long granted) {

    static final int LOW_STOCK_PERCENT = 10;

    /** The number of vouchers left at or below which stock is low. */
    int lowStockAt() {
        return (int) (((long) stock * LOW_STOCK_PERCENT + 99) / 100);
    }

    long remaining() {
        return Math.max(0, stock - granted);
    }

    boolean low() {
        return remaining() <= lowStockAt();
    }

    boolean soldOut() {
        return remaining() == 0;
    }
}
