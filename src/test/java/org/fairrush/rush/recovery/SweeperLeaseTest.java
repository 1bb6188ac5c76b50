package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.Leases;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.TestEngine;
import org.fairrush.rush.lua.ClaimScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several instances run the sweeper on a timer; each scope has one owner at a time, which keeps the scope
 * as long as it renews its lease, and the others leave the scope alone meanwhile.
 */
class SweeperLeaseTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");
    private static final Instant LONG_AGO = NOW.minusSeconds(60);

    private final RedisFixture fixture = RedisFixture.create();
    private final List<ClaimRecorded> published = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final PoolRef pool = PoolRef.single("c", "41");
    private final ClaimPublisher kafka = new ClaimPublisher() {
        @Override
        public Mono<Void> publish(ClaimRecorded claim) {
            published.add(claim);
            return Mono.empty();
        }

        @Override
        public Mono<Void> deadLetter(DeadLetter letter) {
            return Mono.empty();
        }
    };
    private final TestEngine engine = TestEngine.of(fixture.redis, fixture.codec, kafka,
            new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix()), clock, fixture.properties);

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private PendingSweeper instance(String owner) {
        return new PendingSweeper(engine.registry(), engine.queries(), engine.outbox(), fixture.redis, kafka, clock, fixture.properties, new Leases(fixture.redis, owner));
    }

    /** A claim whose request died before its event reached Kafka. */
    private void orphan(String member) {
        new ClaimScript(fixture.redis, fixture.codec, fixture.properties.idempotencyTtl())
                .run(fixture.keys(pool), ClaimRecorded.draft(pool, member, LONG_AGO, Map.of()), "key-" + member, LONG_AGO)
                .block();
    }

    @Test
    void theOwnerOfAScopeKeepsSweepingItPassAfterPass() {
        engine.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(600), NOW.plusSeconds(600), 1, 10)).block();
        PendingSweeper first = instance("api-1");
        PendingSweeper second = instance("api-2");

        orphan("m-1");
        assertThat(first.sweep().block()).isEqualTo(1);
        orphan("m-2");
        assertThat(second.sweep().block()).as("another instance leaves an owned scope alone").isZero();
        assertThat(first.sweep().block()).as("the owner renews its lease and sweeps again").isEqualTo(1);
        assertThat(published).extracting(ClaimRecorded::actorId).containsExactly("m-1", "m-2");
    }

    @Test
    void anotherInstanceTakesOverAScopeWhoseOwnerStoppedRenewing() {
        engine.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(600), NOW.plusSeconds(600), 1, 10)).block();
        instance("api-1").sweep().block();
        // The owner died: its lease runs out (here: removed, as expiry would) and nobody renews it.
        fixture.redis.delete(fixture.keys(pool).sweeperLease()).block(Duration.ofSeconds(5));

        orphan("m-3");
        assertThat(instance("api-2").sweep().block()).isEqualTo(1);
    }
}
