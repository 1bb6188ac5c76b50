package org.fairrush.ops;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RatesTest {

    @Test
    void dividesTheGrowthByTheSeconds() {
        assertThat(Rates.perSecond(10, 40, 2.0)).isEqualTo(15.0);
    }

    @Test
    void reportsNoRateForAShrinkingTotalOrNoTime() {
        assertThat(Rates.perSecond(40, 10, 1.0)).isZero();
        assertThat(Rates.perSecond(0, 10, 0)).isZero();
    }

    @Test
    void countsAnOutcomeSeenForTheFirstTimeFromZero() {
        assertThat(Rates.perSecond(Map.of("CREATED", 5L), Map.of("CREATED", 6L, "SOLD_OUT", 3L), 1.0))
                .containsEntry("CREATED", 1.0).containsEntry("SOLD_OUT", 3.0);
    }
}
