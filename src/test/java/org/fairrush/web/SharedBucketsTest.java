package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import org.fairrush.rush.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rush endpoints' address buckets on a real Redis when one address sends many requests at once (a venue's Wi-Fi):
 * the limit exact, first come first served, a few script calls for the whole burst, and nothing stuck after a failure.
 */
class SharedBucketsTest {

    private static final WebProperties.Rate HUNDRED_PER_HOUR = new WebProperties.Rate(100, Duration.ofHours(1));

    private final AtomicInteger redisCommands = new AtomicInteger();
    private final RedisFixture fixture = RedisFixture.create();
    private final SharedBuckets buckets = new SharedBuckets(fixture.redis, Clock.systemUTC());
    private final String bucket = fixture.properties.keyPrefix() + ":rl:tb-addr:test";

    @AfterEach
    void removeTheBucket() {
        fixture.close();
    }

    @Test
    void aBurstFromOneAddressPassesTheCapacityExactlyInArrivalOrderInAFewCalls() {
        fixture.listen(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                redisCommands.incrementAndGet();
            }
        });
        List<Integer> passed = Flux.range(0, 400)
                .flatMap(i -> buckets.take(bucket, HUNDRED_PER_HOUR).filter(Duration::isZero).map(wait -> i), 400)
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(passed).as("the first hundred requests, and only they").containsExactlyInAnyOrderElementsOf(
                Flux.range(0, 100).collectList().block());
        // The first take goes alone; the rest, waiting for it, go together (a first EVAL when Redis did not know the script).
        assertThat(redisCommands.get()).as("Redis commands for 400 takes: far fewer than one a take").isBetween(1, 99);
    }

    @Test
    void aRefusedTakeSaysWhenTheNextTokenComes() {
        Flux.range(0, 100).concatMap(i -> buckets.take(bucket, HUNDRED_PER_HOUR)).blockLast(Duration.ofSeconds(30));
        Duration wait = buckets.take(bucket, HUNDRED_PER_HOUR).block(Duration.ofSeconds(10));
        // A token every 36 s.
        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(36));
    }

    @Test
    void everyTakeOfAFailedCallFailsAndTheBucketStillAnswersAfterwards() {
        fixture.redis.opsForValue().set(bucket, "not a bucket").block();
        List<Mono<Duration>> burst = Flux.range(0, 20).map(i -> buckets.take(bucket, HUNDRED_PER_HOUR).cache()).collectList().block();
        burst.forEach(take -> take.subscribe(wait -> {
        }, failure -> {
        }));
        for (Mono<Duration> take : burst) {
            assertThatThrownBy(() -> take.block(Duration.ofSeconds(10))).hasStackTraceContaining("WRONGTYPE");
        }

        fixture.redis.unlink(bucket).block();
        assertThat(buckets.take(bucket, HUNDRED_PER_HOUR).block(Duration.ofSeconds(10))).isZero();
    }
}
