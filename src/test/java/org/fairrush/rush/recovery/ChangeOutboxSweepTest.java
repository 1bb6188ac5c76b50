package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.TestEngine;
import org.fairrush.rush.lua.PoolKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A release recorded in Redis whose changes Kafka did not take (or whose instance died) waits in the
 * scope's outbox; the sweeper publishes it and the outbox empties. Real Redis, a stand-in for the Kafka port.
 */
class ChangeOutboxSweepTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");

    private final RedisFixture fixture = RedisFixture.create();
    private final AtomicBoolean kafkaDown = new AtomicBoolean();
    private final List<ClaimRecorded> published = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private final ClaimPublisher kafka = new ClaimPublisher() {
        @Override
        public Mono<Void> publish(ClaimRecorded claim) {
            if (kafkaDown.get()) {
                return Mono.error(new IllegalStateException("broker gone"));
            }
            published.add(claim);
            return Mono.empty();
        }

        @Override
        public Mono<Void> deadLetter(DeadLetter letter) {
            return Mono.empty();
        }
    };

    @Test
    void publishesAReleaseAndItsPromotionThatKafkaRefusedEarlier() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        TestEngine engine = TestEngine.of(fixture.redis, fixture.codec, kafka,
                new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix()), clock, fixture.properties);
        PoolRef food = new PoolRef("f", "77", "FOOD");
        engine.registry().define(new PoolDefinition(food, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 1, List.of("FOOD-01"), true)).block();
        ClaimRecorded holder = ((ClaimOutcome.Granted) engine.claims().claim(food, "noodles", "key-noodles", Map.of()).block()).claim();
        ClaimRecorded waiting = ((ClaimOutcome.Waitlisted) engine.claims().claim(food, "teahouse", "key-teahouse", Map.of()).block()).claim();

        kafkaDown.set(true);
        assertThat(engine.outbox().release(food, holder.eventId()).block()).isInstanceOf(ClaimOutcome.Busy.class);
        PoolKeys scope = fixture.keys(PoolRef.single("f", "77"));
        assertThat(fixture.redis.opsForHash().size(scope.changes()).block()).isEqualTo(2);

        kafkaDown.set(false);
        published.clear();
        PendingSweeper sweeper = new PendingSweeper(engine.registry(), engine.queries(), engine.outbox(), fixture.redis, kafka, clock, fixture.properties);
        sweeper.sweep().block();

        assertThat(published).anySatisfy(claim -> {
            assertThat(claim.eventId()).isEqualTo(holder.eventId());
            assertThat(claim.released()).isTrue();
        });
        assertThat(published).anySatisfy(claim -> {
            assertThat(claim.eventId()).isEqualTo(waiting.eventId());
            assertThat(claim.item()).isEqualTo("FOOD-01");
            assertThat(claim.status()).isEqualTo(ClaimRecorded.HELD);
        });
        assertThat(fixture.redis.opsForHash().size(scope.changes()).block()).isZero();
    }
}
