package org.fairrush.rush.lua;

import java.time.Instant;

import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** give-units.lua and receive-units.lua: units leave one bucket into its journal and arrive in another exactly once. */
class TransferScriptsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");
    private static final PoolRef WHOLE = PoolRef.single("c", "88");

    private final RedisFixture fixture = RedisFixture.create();
    private final TransferScripts transfers = new TransferScripts(fixture.redis);
    private final PoolKeys giver = fixture.keys(WHOLE.inBucket(2));
    private final PoolKeys receiver = fixture.keys(WHOLE.inBucket(5));

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void define(PoolKeys bucket, int stock) {
        new DefinePoolScript(fixture.redis).run(bucket, PoolDefinition.counted(bucket.ref(), NOW.minusSeconds(60), NOW.plusSeconds(600), 1, stock))
                .block();
    }

    private long stock(PoolKeys bucket) {
        return Long.parseLong(fixture.redis.opsForValue().get(bucket.stock()).block());
    }

    @Test
    void givesHalfOfItsStockRoundedUpAndJournalsIt() {
        define(giver, 5);

        assertThat(transfers.give(giver, "t-1", 5, NOW).block()).isEqualTo(new TransferScripts.Given(3, 1, false));
        assertThat(stock(giver)).isEqualTo(2);
        assertThat(transfers.journal(giver).collectList().block()).containsExactly(new TransferScripts.Transfer("t-1", 5, 3, NOW));
    }

    @Test
    void givesTheLastUnit() {
        define(giver, 1);

        assertThat(transfers.give(giver, "t-1", 5, NOW).block().units()).isEqualTo(1);
        assertThat(stock(giver)).isZero();
    }

    @Test
    void anEmptyBucketGivesNothingAndTellsOfUnitsOnTheirWay() {
        define(giver, 1);
        transfers.give(giver, "t-1", 5, NOW).block();

        assertThat(transfers.give(giver, "t-2", 6, NOW).block()).isEqualTo(new TransferScripts.Given(0, 1, false));
    }

    @Test
    void aPausedOrUnknownBucketGivesNothing() {
        define(giver, 4);
        fixture.redis.opsForHash().put(giver.meta(), "paused", "1").block();

        assertThat(transfers.give(giver, "t-1", 5, NOW).block()).as("paused, holding units").isEqualTo(new TransferScripts.Given(0, 0, true));
        assertThat(transfers.give(fixture.keys(WHOLE.inBucket(7)), "t-2", 5, NOW).block()).isEqualTo(new TransferScripts.Given(0, 0, false));
        assertThat(stock(giver)).isEqualTo(4);
    }

    @Test
    void creditsATransferOnceHoweverOftenItArrives() {
        define(giver, 4);
        define(receiver, 0);
        transfers.give(giver, "t-1", 5, NOW).block();

        assertThat(transfers.receive(receiver, "t-1", 2).block()).isTrue();
        assertThat(transfers.receive(receiver, "t-1", 2).block()).isFalse();
        transfers.settle(giver, "t-1").block();
        assertThat(transfers.receive(receiver, "t-1", 2).block()).as("after the giver settled it too").isFalse();

        assertThat(stock(receiver)).isEqualTo(2);
        assertThat(stock(giver) + stock(receiver)).as("no unit made or lost").isEqualTo(4);
        assertThat(transfers.journal(giver).collectList().block()).isEmpty();
    }
}
