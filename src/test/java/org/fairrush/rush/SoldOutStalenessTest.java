package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.fairrush.rush.ClaimOutcome.Busy;
import org.fairrush.rush.ClaimOutcome.Granted;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.rush.ClaimOutcome.Refused;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one real Redis. Instance B learns that the only unit is gone; then instance A reverses the
 * claim that took it (Kafka refused the event) and its "restocked" message never reaches B (B is not even
 * listening: every message is lost). B must not refuse the pool for longer than the documented bound,
 * fairrush.rush.sold-out-recheck.
 */
class SoldOutStalenessTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final RedisFixture fixture = RedisFixture.create();
    private final PoolRef pool = PoolRef.single("c", "77");
    private final Sinks.Empty<Void> kafkaAnswerToA = Sinks.empty();
    private final MovingClock boardClockOfB = new MovingClock(NOW);

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private TestEngine instance(ClaimPublisher kafka, SoldOutBoard board) {
        return TestEngine.of(fixture.redis, fixture.codec, kafka, board, Clock.fixed(NOW, ZoneOffset.UTC), fixture.properties);
    }

    private static ClaimPublisher kafka(java.util.function.Supplier<Mono<Void>> answer) {
        return new ClaimPublisher() {
            @Override
            public Mono<Void> publish(ClaimRecorded claim) {
                return answer.get();
            }

            @Override
            public Mono<Void> deadLetter(DeadLetter letter) {
                return Mono.empty();
            }
        };
    }

    @Test
    void aLostRestockedMessageRefusesGrabsForAtMostTheRecheckTime() throws Exception {
        TestEngine a = instance(kafka(kafkaAnswerToA::asMono), new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix()));
        TestEngine b = instance(kafka(Mono::empty),
                new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix(), RECHECK, boardClockOfB));
        a.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 1)).block();

        CompletableFuture<ClaimOutcome> takenOnA = a.claims().claim(pool, "m-1", "key-00001", Map.of()).toFuture();
        assertThat(b.claims().claim(pool, "m-2", "key-00002", Map.of()).block()).isEqualTo(new Refused(Refusal.SOLD_OUT));
        kafkaAnswerToA.tryEmitError(new IllegalStateException("broker gone"));
        assertThat(takenOnA.get(10, TimeUnit.SECONDS)).isInstanceOf(Busy.class);
        assertThat(a.queries().remaining(pool).block()).as("the unit is back in Redis").isEqualTo(1);

        boardClockOfB.advance(RECHECK);

        assertThat(b.claims().claim(pool, "m-3", "key-00003", Map.of()).block()).isInstanceOf(Granted.class);
    }

    @Test
    void aPoolThatStaysEmptyStaysMarkedAfterTheRecheck() {
        TestEngine b = instance(kafka(Mono::empty),
                new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix(), RECHECK, boardClockOfB));
        b.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 1)).block();
        b.claims().claim(pool, "m-1", "key-00001", Map.of()).block();
        b.claims().claim(pool, "m-2", "key-00002", Map.of()).block();

        boardClockOfB.advance(RECHECK);

        assertThat(b.claims().claim(pool, "m-3", "key-00003", Map.of()).block()).isEqualTo(new Refused(Refusal.SOLD_OUT));
        assertThat(b.queries().remaining(pool).block()).isZero();
    }

    /** A clock a test moves by hand (no sleeping). */
    static final class MovingClock extends Clock {

        private volatile Instant now;

        MovingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
