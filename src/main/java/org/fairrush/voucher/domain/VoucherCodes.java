package org.fairrush.voucher.domain;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Voucher codes a person can read out or type: the campaign id, then 12 random characters of Crockford's
 * base 32 (no I, L, O, U) in groups of four, e.g. {@code 7-K3QD-M9XA-P2HT}. The random part carries 60
 * bits from a SecureRandom, so a code cannot be guessed or derived from another one.
 */
public final class VoucherCodes {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,17})-([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})");

    private final SecureRandom random;

    public VoucherCodes() {
        this(new SecureRandom());
    }

    /** Codes whose random part comes from {@code random} (a test's, to see which bits make which character). */
    VoucherCodes(SecureRandom random) {
        this.random = random;
    }

    /**
     * A new code of the campaign. Its 12 characters are the low 60 bits of one 64-bit draw, five bits each, the first
     * character from the lowest five: one SecureRandom call per code, not one per character, as each call takes the
     * generator's lock and mixes its state anew (issue 13: twelve calls were 1.2 % of a grab's CPU).
     */
    public String next(long campaignId) {
        long bits = random.nextLong();
        StringBuilder code = new StringBuilder(24).append(campaignId).append('-');
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET[(int) (bits >>> (5 * i)) & 31]);
        }
        return code.toString();
    }

    /** The code in its canonical form (upper case, trimmed), or empty when it cannot be a voucher code. */
    public static Optional<String> normalise(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        String code = typed.trim().toUpperCase(Locale.ROOT);
        return FORMAT.matcher(code).matches() ? Optional.of(code) : Optional.empty();
    }

    /**
     * The voucher id of a code: a name-based UUID (version 8, RFC 9562) of the code's SHA-256, so a scanned code
     * that is not stored yet is found among the pending claims by its id in one lookup. The code's 60 random
     * bits make the id as unique as the code; the id does not reveal the code.
     */
    public static java.util.UUID voucherId(String normalisedCode) {
        byte[] hash;
        try {
            hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("fairrush-voucher:" + normalisedCode).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
        hash[6] = (byte) (hash[6] & 0x0f | 0x80);
        hash[8] = (byte) (hash[8] & 0x3f | 0x80);
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(hash);
        return new java.util.UUID(bytes.getLong(), bytes.getLong());
    }

    /** The campaign a well-formed code belongs to. */
    public static long campaignOf(String normalisedCode) {
        Matcher matcher = FORMAT.matcher(normalisedCode);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a voucher code");
        }
        return Long.parseLong(matcher.group(1));
    }
}
