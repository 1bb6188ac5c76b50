package org.fairrush.voucher.domain;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

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
    void eachCharacterIsFiveBitsOfOneDrawTheFirstFromTheLowest() {
        long zeroToEleven = 0;
        for (int i = 0; i < 12; i++) {
            zeroToEleven |= (long) i << (5 * i);
        }
        assertThat(new VoucherCodes(drawing(zeroToEleven)).next(7)).isEqualTo("7-0123-4567-89AB");
        assertThat(new VoucherCodes(drawing(0)).next(7)).isEqualTo("7-0000-0000-0000");
        assertThat(new VoucherCodes(drawing(-1L)).next(7)).isEqualTo("7-ZZZZ-ZZZZ-ZZZZ");
        assertThat(new VoucherCodes(drawing(1L << 59)).next(7)).as("the 60th bit is the last character's highest")
                .isEqualTo("7-0000-0000-000G");
        assertThat(new VoucherCodes(drawing(0xFL << 60)).next(7)).as("the top four bits are not used").isEqualTo("7-0000-0000-0000");
    }

    @Test
    void everyCharacterOfTheAlphabetTurnsUpInEveryPlace() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String random = codes.next(1).substring(2).replace("-", "");
            for (int place = 0; place < 12; place++) {
                seen.add(place + ":" + random.charAt(place));
            }
        }
        assertThat(seen).hasSize(12 * 32);
    }

    /** A SecureRandom that always draws {@code bits}. */
    private static SecureRandom drawing(long bits) {
        return new SecureRandom() {
            @Override
            public long nextLong() {
                return bits;
            }
        };
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
