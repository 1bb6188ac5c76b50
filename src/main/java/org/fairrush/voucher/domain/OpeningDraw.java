package org.fairrush.voucher.domain;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.fairrush.draw.SeededRanking;

/**
 * The draw of a randomized opening as a pure function of (seed, entries, units), in the stall lottery's algorithm
 * family ({@link SeededRanking}); README.md ("A randomized opening") states it for anyone recomputing a published draw:
 * <ol>
 *   <li>the entries are the entrants' member ids in UTF-8 byte order (one entry per member);</li>
 *   <li>the entries digest is SHA-256 hex of the UTF-8 text {@code memberId\n} per entry;</li>
 *   <li>an entry's key is SHA-256 hex of {@code seed\nmemberId}; entries are ordered by key (then member id);</li>
 *   <li>the first {@code units} entries of the order are selected, the others not.</li>
 * </ol>
 * When an entry arrived plays no part: only the seed, committed before the opening, orders the entries.
 */
public final class OpeningDraw {

    private OpeningDraw() {
    }

    /** One member's entry: the member and the id of the entry's claim (which becomes the voucher's id if selected). */
    public record Entry(String memberId, UUID entryId) {
    }

    public record Place(int rank, String memberId, UUID entryId, boolean selected) {
    }

    public record Result(String algorithm, String seed, String entriesDigest, List<String> entries, List<Place> order) {

        public long selectedCount() {
            return order.stream().filter(Place::selected).count();
        }
    }

    public static Result draw(String seed, Collection<Entry> entries, long units) {
        List<Entry> sorted = entries.stream().sorted(Comparator.comparing(Entry::memberId, SeededRanking.UTF8_ORDER)).toList();
        List<Entry> ordered = sorted.stream()
                .map(entry -> Map.entry(SeededRanking.rankKey(seed, entry.memberId()), entry))
                .sorted(Map.Entry.<String, Entry>comparingByKey()
                        .thenComparing(keyed -> keyed.getValue().memberId(), SeededRanking.UTF8_ORDER))
                .map(Map.Entry::getValue)
                .toList();
        List<Place> order = IntStream.range(0, ordered.size())
                .mapToObj(i -> new Place(i + 1, ordered.get(i).memberId(), ordered.get(i).entryId(), i < units))
                .toList();
        List<String> members = sorted.stream().map(Entry::memberId).toList();
        return new Result(SeededRanking.ALGORITHM, seed, SeededRanking.digest(members), members, order);
    }
}
