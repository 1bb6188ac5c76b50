package org.fairrush.draw;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * A draw's seed committed in advance: the SHA-256 of the seed's UTF-8 bytes, as 64 lower-case hex digits.
 * Published before anyone enters, it binds the organisers to a seed nobody can choose after seeing the entries; the
 * draw must present the seed that hashes to it. Pure Java.
 */
public record SeedCommitment(String hex) {

    public static final String PATTERN = "[0-9a-fA-F]{64}";

    public SeedCommitment {
        if (hex == null || !hex.matches(PATTERN)) {
            throw new IllegalArgumentException("a seed commitment is 64 hex digits");
        }
        hex = hex.toLowerCase(Locale.ROOT);
    }

    public static SeedCommitment of(String seed) {
        return new SeedCommitment(SeededRanking.sha256Hex(seed));
    }

    /** Whether {@code seed} is the seed this commitment was made for. */
    public boolean opensWith(String seed) {
        return MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII), of(seed).hex().getBytes(StandardCharsets.US_ASCII));
    }
}
