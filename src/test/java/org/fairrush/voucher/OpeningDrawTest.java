package org.fairrush.voucher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import org.fairrush.draw.SeededRanking;
import org.fairrush.voucher.domain.OpeningDraw;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A randomized opening takes away the second-zero advantage: when an entry arrived inside the window plays no part in
 * whether it wins. Checked statistically over a fixed set of seeds (so the test is deterministic), with a statistic
 * that a first-come allocation fails by far.
 */
class OpeningDrawTest {

    static final int ENTRANTS = 200;
    static final int UNITS = 20;
    static final int DRAWS = 500;
    static final int BUCKETS = 10;
    /** The chi-square statistic's 0.1 % critical value for 9 degrees of freedom. */
    static final double CHI_SQUARE_CRITICAL = 27.877;

    /** Entrants in arrival order: index 0 arrived first. Ids say nothing of the order (as a member's id does not). */
    static List<OpeningDraw.Entry> entrantsInArrivalOrder() {
        Random ids = new Random(7);
        return IntStream.range(0, ENTRANTS)
                .mapToObj(i -> new OpeningDraw.Entry("member-" + Long.toHexString(ids.nextLong()), UUID.nameUUIDFromBytes(("e" + i).getBytes())))
                .toList();
    }

    /** How often winners came from each tenth of the arrival order, over all draws. */
    static long[] winsByArrivalTenth(List<List<String>> winnersPerDraw, List<OpeningDraw.Entry> arrivals) {
        List<String> order = arrivals.stream().map(OpeningDraw.Entry::memberId).toList();
        long[] wins = new long[BUCKETS];
        for (List<String> winners : winnersPerDraw) {
            winners.forEach(winner -> wins[order.indexOf(winner) * BUCKETS / ENTRANTS]++);
        }
        return wins;
    }

    static double chiSquareAgainstUniform(long[] observed) {
        double total = java.util.Arrays.stream(observed).sum();
        double expected = total / observed.length;
        return java.util.Arrays.stream(observed).mapToDouble(o -> (o - expected) * (o - expected) / expected).sum();
    }

    static List<String> winners(OpeningDraw.Result result) {
        return result.order().stream().filter(OpeningDraw.Place::selected).map(OpeningDraw.Place::memberId).toList();
    }

    @Test
    void arrivalOrderWithinTheWindowDoesNotChangeTheChanceToWin() {
        List<OpeningDraw.Entry> arrivals = entrantsInArrivalOrder();
        List<List<String>> winnersPerDraw = IntStream.range(0, DRAWS)
                .mapToObj(seed -> winners(OpeningDraw.draw("seed-" + seed, arrivals, UNITS))).toList();

        long[] wins = winsByArrivalTenth(winnersPerDraw, arrivals);

        assertThat(winnersPerDraw).allSatisfy(winners -> assertThat(winners).hasSize(UNITS).doesNotHaveDuplicates());
        assertThat(wins).doesNotContain(0L);
        assertThat(chiSquareAgainstUniform(wins)).isLessThan(CHI_SQUARE_CRITICAL);
    }

    @Test
    void theStatisticRefusesFirstComeFirstServed() {
        List<OpeningDraw.Entry> arrivals = entrantsInArrivalOrder();
        List<String> firstCome = arrivals.stream().limit(UNITS).map(OpeningDraw.Entry::memberId).toList();

        long[] wins = winsByArrivalTenth(Collections.nCopies(DRAWS, firstCome), arrivals);

        assertThat(chiSquareAgainstUniform(wins)).isGreaterThan(CHI_SQUARE_CRITICAL);
    }

    @Test
    void theDrawIsTheSameWhateverTheOrderTheEntriesArrivedIn() {
        List<OpeningDraw.Entry> arrivals = entrantsInArrivalOrder();
        List<OpeningDraw.Entry> shuffled = new ArrayList<>(arrivals);
        Collections.shuffle(shuffled, new Random(3));

        assertThat(OpeningDraw.draw("the committed seed", shuffled, UNITS)).isEqualTo(OpeningDraw.draw("the committed seed", arrivals, UNITS));
    }

    @Test
    void selectsAllEntrantsWhenThereAreMoreUnitsThanEntries() {
        OpeningDraw.Result result = OpeningDraw.draw("s", entrantsInArrivalOrder().subList(0, 5), UNITS);

        assertThat(result.order()).hasSize(5).allMatch(OpeningDraw.Place::selected);
    }

    @Test
    void followsThePublishedRecipe() {
        List<OpeningDraw.Entry> entries = List.of(new OpeningDraw.Entry("m-b", UUID.randomUUID()), new OpeningDraw.Entry("m-a", UUID.randomUUID()),
                new OpeningDraw.Entry("m-\u00e9", UUID.randomUUID()));

        OpeningDraw.Result result = OpeningDraw.draw("dice 4-1-6", entries, 2);

        assertThat(result.algorithm()).isEqualTo("sha256-rank-v1");
        assertThat(result.entries()).containsExactly("m-a", "m-b", "m-\u00e9");
        assertThat(result.entriesDigest()).isEqualTo(SeededRanking.sha256Hex("m-a\nm-b\nm-\u00e9\n"));
        List<String> byKey = result.entries().stream()
                .sorted(java.util.Comparator.comparing((String member) -> SeededRanking.sha256Hex("dice 4-1-6\n" + member))).toList();
        assertThat(result.order().stream().map(OpeningDraw.Place::memberId).toList()).isEqualTo(byKey);
        assertThat(result.order().stream().map(OpeningDraw.Place::selected).toList()).containsExactly(true, true, false);
    }
}
