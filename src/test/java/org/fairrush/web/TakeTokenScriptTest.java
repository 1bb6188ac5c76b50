package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.fairrush.rush.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/** lua/take-token.lua on a real Redis: a token bucket of a caller or an address ({@link TokenBuckets}). */
class TakeTokenScriptTest {

    private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");
    private static final WebProperties.Rate FIVE_PER_SECOND = new WebProperties.Rate(5, Duration.ofSeconds(1));

    private final RedisFixture fixture = RedisFixture.create();
    private final ReactiveStringRedisTemplate redis = fixture.redis;
    private final String bucket = fixture.properties.keyPrefix() + ":rl:tb:test";

    @AfterEach
    void removeTheBucket() {
        fixture.close();
    }

    @Test
    void takesAWholeCapacityThenSaysWhenTheNextTokenComes() {
        for (int i = 0; i < 5; i++) {
            assertThat(take(T0)).isZero();
        }
        assertThat(take(T0)).isEqualTo(Duration.ofMillis(200));
        assertThat(take(T0.plusMillis(150))).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void refillsGreedilyAndNeverAboveCapacity() {
        for (int i = 0; i < 5; i++) {
            take(T0);
        }
        assertThat(take(T0.plusMillis(200))).isZero();
        assertThat(take(T0.plusMillis(200))).isPositive();
        // An hour later the bucket holds its capacity again, not an hour's worth of tokens.
        Instant later = T0.plusSeconds(3600);
        for (int i = 0; i < 5; i++) {
            assertThat(take(later)).isZero();
        }
        assertThat(take(later)).isPositive();
    }

    @Test
    void aTakeOfSeveralTokensTakesThemAllOrNoneAndSaysWhenAllAreThere() {
        TokenBuckets buckets = new TokenBuckets(redis, Clock.fixed(T0, ZoneOffset.UTC));
        assertThat(buckets.take(bucket, FIVE_PER_SECOND, 3).block()).isZero();
        // Two left: a take of three is refused, takes nothing, and says when the third comes (200 ms a token).
        assertThat(buckets.take(bucket, FIVE_PER_SECOND, 3).block()).isEqualTo(Duration.ofMillis(200));
        assertThat(buckets.take(bucket, FIVE_PER_SECOND, 2).block()).isZero();
        assertThat(buckets.take(bucket, FIVE_PER_SECOND, 1).block()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void anotherInstanceWhoseClockIsBehindGetsNoExtraTokens() {
        for (int i = 0; i < 5; i++) {
            take(T0);
        }
        assertThat(take(T0.minusSeconds(30))).isPositive();
    }

    @Test
    void expiresOnceItWouldBeFullAgain() {
        take(T0);
        Long ttl = redis.getExpire(bucket).map(Duration::toMillis).block();
        assertThat(ttl).isBetween(1L, 1200L + 1000L);
    }

    @Test
    void concurrentTakesNeverExceedTheCapacity() {
        WebProperties.Rate hundredPerHour = new WebProperties.Rate(100, Duration.ofHours(1));
        TokenBuckets callers = new TokenBuckets(redis, Clock.fixed(T0, ZoneOffset.UTC));
        AtomicInteger taken = new AtomicInteger();
        Flux.range(0, 400).flatMap(i -> callers.take(bucket, hundredPerHour), 64)
                .doOnNext(wait -> {
                    if (wait.isZero()) {
                        taken.incrementAndGet();
                    }
                })
                .blockLast(Duration.ofSeconds(30));
        assertThat(taken).hasValue(100);
    }

    private Duration take(Instant now) {
        return new TokenBuckets(redis, Clock.fixed(now, ZoneOffset.UTC)).take(bucket, FIVE_PER_SECOND).block();
    }
}
