package org.fairrush.draw;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The algorithm family of every published draw (the stall lottery, a campaign's randomized opening), pure Java so
 * that both features use it without knowing each other and anyone can recompute a result from what was published:
 * <ul>
 *   <li>entries are listed in UTF-8 byte order of their identity; the entries digest is SHA-256 (lower-case hex) of
 *       the UTF-8 text of one line per entry, each line ending in {@code \n};</li>
 *   <li>an entry's rank key is SHA-256 hex of {@code seed} followed by {@code \n} and each identity part, joined by
 *       {@code \n}; entries are ordered by rank key (then identity).</li>
 * </ul>
 * Nothing of the order depends on when an entry arrived: only on the seed, committed before anyone entered.
 */
public final class SeededRanking {

    /** The name every published draw of this family carries. */
    public static final String ALGORITHM = "sha256-rank-v1";

    /** UTF-8 byte order: the same in every language, unlike Java's UTF-16 {@code compareTo}. */
    public static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private SeededRanking() {
    }

    /** SHA-256 of the UTF-8 text, as 64 lower-case hex digits. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }

    /** The digest of entries already in their published order: SHA-256 hex of each line followed by {@code \n}. */
    public static String digest(List<String> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        return sha256Hex(text.toString());
    }

    /** An entry's rank key under {@code seed}: SHA-256 hex of the seed and the identity parts, one per line. */
    public static String rankKey(String seed, String... identity) {
        return sha256Hex(seed + "\n" + String.join("\n", identity));
    }
}
