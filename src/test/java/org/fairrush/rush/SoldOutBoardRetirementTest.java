package org.fairrush.rush;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A retired scope leaves every instance's memory: its sold-out marks go, on this instance at once and on the others
 * over Redis pub/sub, and the features hear of it (to drop their cached campaign or fair). Two boards stand for two
 * instances on one real Redis.
 */
class SoldOutBoardRetirementTest {

    private final PoolRef one = PoolRef.single("c", "1");
    private final PoolRef twelve = PoolRef.single("c", "12");
    private RedisFixture fixture;
    private SoldOutBoard here;
    private SoldOutBoard there;
    private final List<PoolRef> heardThere = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = RedisFixture.create();
        here = new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix());
        there = new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix());
        here.start();
        there.start();
        there.retired().subscribe(heardThere::add);
        // Both listen once a mark made here reaches there.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            here.markRestocked(twelve).block();
            here.markSoldOut(twelve).block();
            assertThat(there.isSoldOut(twelve)).isTrue();
        });
    }

    @AfterEach
    void tearDown() {
        here.stop();
        there.stop();
        fixture.close();
    }

    @Test
    void aRetiredScopeLeavesTheSoldOutMarksOfEveryInstance() {
        here.markSoldOut(one).block();
        await().atMost(Duration.ofSeconds(10)).until(() -> there.isSoldOut(one));

        here.markRetired(one).block();

        assertThat(here.isSoldOut(one)).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(there.isSoldOut(one)).isFalse();
            assertThat(heardThere).contains(one);
        });
        assertThat(there.isSoldOut(twelve)).as("another scope whose id starts alike keeps its mark").isTrue();
        assertThat(there.size()).isEqualTo(1);
    }
}
