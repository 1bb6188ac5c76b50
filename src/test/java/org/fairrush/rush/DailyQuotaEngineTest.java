package org.fairrush.rush;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import org.fairrush.rush.ClaimOutcome.Busy;
import org.fairrush.rush.ClaimOutcome.Granted;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.rush.ClaimOutcome.Refused;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine with a daily quota: it names the day from its own clock in the quota's zone, a claim Kafka refused gives
 * its day's unit back, and a day's quota gone never marks the pool sold out.
 */
class DailyQuotaEngineTest {

    /** 23:00 on 1 May 2030 in Shanghai. */
    private static final Instant NOW = Instant.parse("2030-05-01T15:00:00Z");
    private static final DailyQuota ONE_A_DAY = new DailyQuota(ZoneId.of("Asia/Shanghai"), 1, 0);

    private RedisFixture fixture;
    private SoldOutBoard soldOut;
    private final PoolRef pool = PoolRef.single("c", "11");

    @BeforeEach
    void setUp() {
        fixture = RedisFixture.create();
        soldOut = new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private Claims engine(Mono<Void> kafkaAnswer) {
        ClaimPublisher publisher = new ClaimPublisher() {
            @Override
            public Mono<Void> publish(ClaimRecorded claim) {
                return kafkaAnswer;
            }

            @Override
            public Mono<Void> deadLetter(DeadLetter letter) {
                return Mono.empty();
            }
        };
        TestEngine engine = TestEngine.of(fixture.redis, fixture.codec, publisher, soldOut, Clock.fixed(NOW, ZoneOffset.UTC),
                fixture.properties);
        engine.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(86_400), 5, 10)).block();
        return engine.claims();
    }

    private ClaimOutcome claim(Claims engine, String actor, String key) {
        return engine.claim(pool, actor, key, Map.of(), java.util.UUID.randomUUID(), ONE_A_DAY).block();
    }

    @Test
    void aClaimKafkaRefusedGivesItsDaysUnitBack() {
        ClaimOutcome refusedByKafka = claim(engine(Mono.error(new IllegalStateException("broker down"))), "m-1", "key-00001");
        assertThat(refusedByKafka).isInstanceOf(Busy.class);

        assertThat(claim(engine(Mono.empty()), "m-2", "key-00002")).isInstanceOf(Granted.class);
        assertThat(new DailyCounters(fixture.redis, fixture.properties.keyPrefix()).granted(pool, ONE_A_DAY, NOW).block()).isEqualTo(1);
    }

    @Test
    void aDaysQuotaGoneIsRefusedUntilTheNextDayAndNeverMarkedSoldOut() {
        Claims engine = engine(Mono.empty());
        claim(engine, "m-1", "key-00001");

        ClaimOutcome refused = claim(engine, "m-2", "key-00002");

        assertThat(refused).isEqualTo(new Refused(Refusal.DAILY_SOLD_OUT, Instant.parse("2030-05-01T16:00:00Z")));
        assertThat(soldOut.isSoldOut(pool)).isFalse();
    }
}
