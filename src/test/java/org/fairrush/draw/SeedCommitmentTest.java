package org.fairrush.draw;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commitment is the SHA-256 of the seed's UTF-8 bytes, in hex; only that seed opens it. */
class SeedCommitmentTest {

    @Test
    void isTheSha256OfTheSeedsUtf8Bytes() {
        assertThat(SeedCommitment.of("abc").hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(SeedCommitment.of("\u5de5\u4f1a").hex()).hasSize(64);
    }

    @Test
    void opensOnlyWithItsSeed() {
        SeedCommitment commitment = new SeedCommitment("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");

        assertThat(commitment.opensWith("abc")).isTrue();
        assertThat(commitment.opensWith("abd")).isFalse();
        assertThat(commitment.opensWith("abc ")).isFalse();
    }

    @Test
    void refusesAnythingButSixtyFourHexDigits() {
        assertThatThrownBy(() -> new SeedCommitment("ba7816bf")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SeedCommitment("z".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }
}
