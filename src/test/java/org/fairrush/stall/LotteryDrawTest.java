package org.fairrush.stall;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.fairrush.stall.domain.Category;
import org.fairrush.stall.domain.LotteryDraw;
import org.fairrush.stall.domain.LotteryDraw.Entry;
import org.fairrush.stall.domain.LotteryDraw.Placed;
import org.fairrush.stall.domain.LotteryDraw.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The draw as a pure function of (seed, entries) and the stalls per category. */
class LotteryDrawTest {

    static final List<Category> CATEGORIES = List.of(new Category("FOOD", "Food", 2, 15_000), new Category("CRAFT", "Crafts", 1, 10_000));

    static List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        IntStream.range(0, 5).forEach(i -> entries.add(new Entry("FOOD", "merchant-" + i)));
        IntStream.range(0, 3).forEach(i -> entries.add(new Entry("CRAFT", "merchant-" + (10 + i))));
        return entries;
    }

    @Test
    void theSameSeedAndEntriesGiveTheSameResultWhateverTheOrderOfArrival() {
        List<Entry> shuffled = new ArrayList<>(entries());
        Collections.shuffle(shuffled, new Random(3));

        assertThat(LotteryDraw.draw("fair-2026", shuffled, CATEGORIES)).isEqualTo(LotteryDraw.draw("fair-2026", entries(), CATEGORIES));
    }

    @Test
    void anotherSeedGivesAnotherOrder() {
        Result one = LotteryDraw.draw("seed-one", entries(), CATEGORIES);
        Result two = LotteryDraw.draw("seed-two", entries(), CATEGORIES);

        assertThat(one.entriesDigest()).isEqualTo(two.entriesDigest());
        assertThat(one.categories()).isNotEqualTo(two.categories());
    }

    @Test
    void theFirstOfEachCategoryGetTheStallsInNumberOrderAndTheRestWaitInOrder() {
        Result result = LotteryDraw.draw("fair-2026", entries(), CATEGORIES);
        List<Placed> food = result.categories().stream().filter(c -> c.code().equals("FOOD")).findFirst().orElseThrow().order();

        assertThat(food).extracting(Placed::rank).containsExactly(1, 2, 3, 4, 5);
        assertThat(food).extracting(Placed::stallNumber).containsExactly("FOOD-01", "FOOD-02", null, null, null);
        assertThat(food).extracting(Placed::waitlistPosition).containsExactly(null, null, 1, 2, 3);
        assertThat(food).extracting(Placed::merchantId).containsExactlyInAnyOrder(
                "merchant-0", "merchant-1", "merchant-2", "merchant-3", "merchant-4");
    }

    @Test
    void entriesAreSortedByCategoryThenMerchantAndDigestedAsPublished() {
        Result result = LotteryDraw.draw("x", List.of(new Entry("FOOD", "b"), new Entry("CRAFT", "z"), new Entry("FOOD", "a")), CATEGORIES);

        assertThat(result.entries()).containsExactly(new Entry("CRAFT", "z"), new Entry("FOOD", "a"), new Entry("FOOD", "b"));
        // sha256("CRAFT,z\nFOOD,a\nFOOD,b\n"), computed with: printf 'CRAFT,z\nFOOD,a\nFOOD,b\n' | sha256sum
        assertThat(result.entriesDigest()).isEqualTo(KNOWN_DIGEST);
    }

    static final String KNOWN_DIGEST = "3626c136ef1fd837f7126ee56a3eb0d20e6c5be99e9d307589fb32aa359054d1";

    /** Expected order computed outside Java: printf 'fair-2026\nFOOD\n%s' $merchant | sha256sum, sorted by hash. */
    @Test
    void ordersByTheSha256OfSeedCategoryAndMerchant() {
        List<Entry> entries = List.of(new Entry("FOOD", "anna"), new Entry("FOOD", "bao"), new Entry("FOOD", "chen"), new Entry("FOOD", "dora"));

        Result result = LotteryDraw.draw("fair-2026", entries, CATEGORIES);

        List<Placed> food = result.categories().get(1).order();
        assertThat(food).extracting(Placed::merchantId).containsExactly("dora", "bao", "chen", "anna");
        assertThat(food).extracting(Placed::stallNumber).containsExactly("FOOD-01", "FOOD-02", null, null);
    }

    @Test
    void aCategoryWithoutEntriesHasAnEmptyOrder() {
        Result result = LotteryDraw.draw("x", List.of(new Entry("FOOD", "a")), CATEGORIES);

        assertThat(result.categories()).extracting(LotteryDraw.CategoryResult::code).containsExactly("CRAFT", "FOOD");
        assertThat(result.categories().get(0).order()).isEmpty();
    }
}
