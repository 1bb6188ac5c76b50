package org.fairrush.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.fairrush.rush.PoolRef;
import org.fairrush.rush.WatchedPools;
import org.fairrush.rush.WatchedPools.WatchedPool;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live board asks Postgres which pools to watch, and how many claims each has stored, once per refresh, not once
 * per sample: every instance samples every second, and each ask counts a campaign's stored vouchers.
 */
class WatchedPoolsReaderTest {

    private static final Instant T0 = Instant.parse("2026-12-02T09:00:00Z");

    @Test
    void readsTheSourcesAgainOnlyOnceTheRefreshHasPassed() {
        CountingSource campaigns = new CountingSource("Campaigns", 7);
        CountingSource fairs = new CountingSource("Fairs", 3);
        WatchedPoolsReader reader = new WatchedPoolsReader(List.of(campaigns, fairs), 50, Duration.ofSeconds(10));

        assertThat(reader.read(T0).block()).extracting(watched -> watched.pools().get(0).stored()).containsExactly(7L, 3L);
        assertThat(reader.read(T0).block()).extracting(WatchedPoolsReader.Watched::group).containsExactly("Campaigns", "Fairs");
        campaigns.stored = 8;
        for (int second = 1; second < 10; second++) {
            assertThat(reader.read(T0.plusSeconds(second)).block()).extracting(watched -> watched.pools().get(0).stored())
                    .as("second %d: the first read's pools", second).containsExactly(7L, 3L);
        }
        assertThat(campaigns.reads.get()).isEqualTo(1);
        assertThat(fairs.reads.get()).isEqualTo(1);

        assertThat(reader.read(T0.plusSeconds(10)).block()).extracting(watched -> watched.pools().get(0).stored()).containsExactly(8L, 3L);
        assertThat(campaigns.reads.get()).isEqualTo(2);
        assertThat(fairs.reads.get()).isEqualTo(2);
        assertThat(campaigns.limits).as("each source is asked for at most the limit").containsOnly(50);
    }

    @Test
    void aFailedReadIsNotKeptAndAClockGoneBackReadsAgain() {
        CountingSource campaigns = new CountingSource("Campaigns", 1);
        WatchedPoolsReader reader = new WatchedPoolsReader(List.of(campaigns), 50, Duration.ofSeconds(10));

        campaigns.failing = true;
        assertThatThrownBy(() -> reader.read(T0).block()).hasMessageContaining("database down");
        campaigns.failing = false;
        assertThat(reader.read(T0.plusSeconds(1)).block()).hasSize(1);
        assertThat(campaigns.reads.get()).as("the failure was not kept as a read").isEqualTo(2);

        reader.read(T0.minusSeconds(1)).block();
        assertThat(campaigns.reads.get()).as("a read from the future is not trusted").isEqualTo(3);
    }

    private static final class CountingSource implements WatchedPools {
        private final String group;
        private final AtomicInteger reads = new AtomicInteger();
        private final List<Integer> limits = new CopyOnWriteArrayList<>();
        private volatile long stored;
        private volatile boolean failing;

        CountingSource(String group, long stored) {
            this.group = group;
            this.stored = stored;
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public Flux<WatchedPool> watched(Instant now, int limit) {
            reads.incrementAndGet();
            limits.add(limit);
            if (failing) {
                return Flux.error(new IllegalStateException("database down"));
            }
            return Flux.just(new WatchedPool(PoolRef.single("c", "c:1"), group + " pool", 100, stored));
        }
    }
}
