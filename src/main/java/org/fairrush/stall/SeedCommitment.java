package org.fairrush.stall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A lottery's seed committed in advance: the SHA-256 of the seed's UTF-8 bytes, as 64 lower-case hex digits.
 * Published before registration closes, it binds the organisers to a seed nobody can choose after seeing the
 * entries; the draw must present the seed that hashes to it. Pure Java.
 */
record SeedCommitment(String hex) {

    static final String PATTERN = "[0-9a-fA-F]{64}";

    SeedCommitment {
        if (hex == null || !hex.matches(PATTERN)) {
            throw new IllegalArgumentException("a seed commitment is 64 hex digits");
        }
        hex = hex.toLowerCase(Locale.ROOT);
    }

    static SeedCommitment of(String seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return new SeedCommitment(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("every JVM has SHA-256", missing);
        }
    }

    /** Whether {@code seed} is the seed this commitment was made for. */
    boolean opensWith(String seed) {
        return MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII), of(seed).hex().getBytes(StandardCharsets.US_ASCII));
    }
}
