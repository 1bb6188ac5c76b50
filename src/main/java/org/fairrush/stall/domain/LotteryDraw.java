package org.fairrush.stall.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.fairrush.draw.SeededRanking;

/**
 * The lottery draw (the {@link SeededRanking} family) as a pure function of (seed, entries) and the stalls per category; README.md section
 * "Lottery draw" states the same algorithm for anyone who wants to recompute a published result:
 * <ol>
 *   <li>entries are sorted by category code, then merchant id (UTF-8 byte order);</li>
 *   <li>the entries digest is SHA-256 (lower-case hex) of the UTF-8 text {@code category,merchantId\n} per entry;</li>
 *   <li>in each category an entry's key is SHA-256 hex of {@code seed\ncategory\nmerchantId}; entries are
 *       ordered by key (then merchant id);</li>
 *   <li>the first entries of the order get the category's stalls in number order, the rest wait in order.</li>
 * </ol>
 */
public final class LotteryDraw {

    public static final String ALGORITHM = SeededRanking.ALGORITHM;

    private static final Comparator<String> UTF8_ORDER = SeededRanking.UTF8_ORDER;
    public static final Comparator<Entry> ENTRY_ORDER = Comparator.comparing(Entry::category, UTF8_ORDER)
            .thenComparing(Entry::merchantId, UTF8_ORDER);

    private LotteryDraw() {
    }

    public record Entry(String category, String merchantId) {
    }

    /** One place in a category's drawn order: a stall for the first ones, a waiting-list position for the others. */
    public record Placed(int rank, String merchantId, String stallNumber, Integer waitlistPosition) {
    }

    public record CategoryResult(String code, List<Placed> order) {
    }

    public record Result(String algorithm, String seed, String entriesDigest, List<Entry> entries, List<CategoryResult> categories) {
    }

    public static Result draw(String seed, Collection<Entry> entries, List<Category> categories) {
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

    public static String digest(List<Entry> sortedEntries) {
        return SeededRanking.digest(sortedEntries.stream().map(entry -> entry.category() + "," + entry.merchantId()).toList());
    }

    public static String rankKey(String seed, Entry entry) {
        return SeededRanking.rankKey(seed, entry.category(), entry.merchantId());
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

}
