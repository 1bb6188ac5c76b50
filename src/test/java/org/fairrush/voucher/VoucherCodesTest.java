package org.fairrush.voucher;

import java.util.HashSet;
import java.util.Set;

import org.fairrush.voucher.domain.VoucherCodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VoucherCodesTest {

    private final VoucherCodes codes = new VoucherCodes();

    @Test
    void codesNameTheirCampaignAndReadBackCanonical() {
        String code = codes.next(42);
        assertThat(code).matches("42-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
        assertThat(VoucherCodes.normalise("  " + code.toLowerCase() + " ")).contains(code);
        assertThat(VoucherCodes.campaignOf(code)).isEqualTo(42);
    }

    @Test
    void tenThousandCodesAreAllDifferent() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(codes.next(1));
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void refusesWhatCannotBeACode() {
        assertThat(VoucherCodes.normalise("42-AAAA-BBBB")).isEmpty();
        assertThat(VoucherCodes.normalise("42-AAAA-BBBB-CCCI")).as("I is not in the alphabet").isEmpty();
        assertThat(VoucherCodes.normalise("0-AAAA-BBBB-CCCC")).isEmpty();
        assertThat(VoucherCodes.normalise("'; drop table voucher; --")).isEmpty();
        assertThat(VoucherCodes.normalise(null)).isEmpty();
    }

    @Test
    void aCodeImpliesOneVoucherIdAndAnotherCodeAnother() {
        java.util.UUID id = VoucherCodes.voucherId("42-AAAA-BBBB-CCCC");
        assertThat(VoucherCodes.voucherId("42-AAAA-BBBB-CCCC")).isEqualTo(id);
        assertThat(VoucherCodes.voucherId("42-AAAA-BBBB-CCCD")).isNotEqualTo(id);
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
    }
}
