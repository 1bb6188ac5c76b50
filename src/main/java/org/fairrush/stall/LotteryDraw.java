package org.fairrush.stall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The lottery draw as a pure function of (seed, entries) and the stalls per category; README.md section
 * "Lottery draw" states the same algorithm for anyone who wants to recompute a published result:
 * <ol>
 *   <li>entries are sorted by category code, then merchant id (UTF-8 byte order);</li>
 *   <li>the entries digest is SHA-256 (lower-case hex) of the UTF-8 text {@code category,merchantId\n} per entry;</li>
 *   <li>in each category an entry's key is SHA-256 hex of {@code seed\ncategory\nmerchantId}; entries are
 *       ordered by key (then merchant id);</li>
 *   <li>the first entries of the order get the category's stalls in number order, the rest wait in order.</li>
 * </ol>
 */
final class LotteryDraw {

    static final String ALGORITHM = "sha256-rank-v1";

    private static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    static final Comparator<Entry> ENTRY_ORDER = Comparator.comparing(Entry::category, UTF8_ORDER)
            .thenComparing(Entry::merchantId, UTF8_ORDER);

    private LotteryDraw() {
    }

    record Entry(String category, String merchantId) {
    }

    /** One place in a category's drawn order: a stall for the first ones, a waiting-list position for the others. */
    record Placed(int rank, String merchantId, String stallNumber, Integer waitlistPosition) {
    }

    record CategoryResult(String code, List<Placed> order) {
    }

    record Result(String algorithm, String seed, String entriesDigest, List<Entry> entries, List<CategoryResult> categories) {
    }

    static Result draw(String seed, Collection<Entry> entries, List<Category> categories) {
        List<Entry> sorted = entries.stream().sorted(ENTRY_ORDER).toList();
        List<CategoryResult> results = new ArrayList<>();
        for (Category category : categories.stream().sorted(Comparator.comparing(Category::code, UTF8_ORDER)).toList()) {
            List<Entry> ordered = sorted.stream()
                    .filter(entry -> entry.category().equals(category.code()))
                    .map(entry -> Map.entry(rankKey(seed, entry), entry))
                    .sorted(Map.Entry.<String, Entry>comparingByKey().thenComparing(Map.Entry::getValue, ENTRY_ORDER))
                    .map(Map.Entry::getValue)
                    .toList();
            results.add(new CategoryResult(category.code(), place(ordered, category.stallNumbers())));
        }
        return new Result(ALGORITHM, seed, digest(sorted), sorted, results);
    }

    static String digest(List<Entry> sortedEntries) {
        StringBuilder text = new StringBuilder();
        sortedEntries.forEach(entry -> text.append(entry.category()).append(',').append(entry.merchantId()).append('\n'));
        return sha256(text.toString());
    }

    static String rankKey(String seed, Entry entry) {
        return sha256(seed + "\n" + entry.category() + "\n" + entry.merchantId());
    }

    private static List<Placed> place(List<Entry> ordered, List<String> stalls) {
        List<Placed> placed = new ArrayList<>(ordered.size());
        for (int i = 0; i < ordered.size(); i++) {
            boolean wins = i < stalls.size();
            placed.add(new Placed(i + 1, ordered.get(i).merchantId(), wins ? stalls.get(i) : null,
                    wins ? null : i - stalls.size() + 1));
        }
        return placed;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
