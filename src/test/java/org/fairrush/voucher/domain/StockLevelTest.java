package org.fairrush.voucher.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StockLevelTest {

    @Test
    void stockIsLowOnceATenthOrLessIsLeft() {
        assertThat(new StockLevel(30, 26).low()).isFalse();
        assertThat(new StockLevel(30, 27).low()).isTrue();
        assertThat(new StockLevel(30, 27).lowStockAt()).isEqualTo(3);
    }

    @Test
    void theTenthIsRoundedUpSoSmallCampaignsAreLowWithTheirLastVoucher() {
        assertThat(new StockLevel(10, 8).low()).isFalse();
        assertThat(new StockLevel(10, 9).low()).isTrue();
        assertThat(new StockLevel(5, 4).lowStockAt()).isEqualTo(1);
    }

    @Test
    void aCampaignOfOneVoucherIsLowAndSoldOutWithItsGrab() {
        assertThat(new StockLevel(1, 0).soldOut()).isFalse();
        assertThat(new StockLevel(1, 1).low()).isTrue();
        assertThat(new StockLevel(1, 1).soldOut()).isTrue();
    }

    @Test
    void soldOutOnlyWhenEveryVoucherIsGranted() {
        assertThat(new StockLevel(1_000_000, 999_999).soldOut()).isFalse();
        assertThat(new StockLevel(1_000_000, 1_000_000).soldOut()).isTrue();
        assertThat(new StockLevel(1_000_000, 0).lowStockAt()).isEqualTo(100_000);
    }
}
