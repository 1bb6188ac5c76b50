package org.fairrush.web;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.devstack.DevStack;
import org.fairrush.rush.lua.LuaScripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;

/** lua/take-tokens-each.lua on a real Redis: one token for each of several requests of one address ({@link SharedBuckets}). */
class TakeTokensEachScriptTest {

    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
    private static final RedisScript<List<Object>> TAKE_EACH = LuaScripts.list("take-tokens-each");

    private final LettuceConnectionFactory connections = connections();
    private final ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connections);
    private final String bucket = DevStack.forTests().properties().get("fairrush.rush.key-prefix") + "-tbe-" + UUID.randomUUID();

    @AfterEach
    void removeTheBucket() {
        redis.unlink(bucket).block();
        connections.destroy();
    }

    @Test
    void passesAsManyRequestsAsTheBucketHoldsAndSaysWhenTheNextTokenComes() {
        // Five a second: a token every 200 ms.
        assertThat(take(T0, 3)).containsExactly(3L, 0L);
        assertThat(take(T0, 3)).as("two left for three requests").containsExactly(2L, 200L);
        assertThat(take(T0.plusMillis(150), 1)).as("three quarters of a token there").containsExactly(0L, 50L);
        assertThat(take(T0.plusMillis(200), 2)).containsExactly(1L, 200L);
    }

    @Test
    void aCallThatTakesNothingWritesNothing() {
        take(T0, 5);
        Map<Object, Object> before = redis.opsForHash().entries(bucket).collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
        assertThat(take(T0.plusMillis(100), 4)).containsExactly(0L, 100L);
        assertThat(redis.opsForHash().entries(bucket).collectMap(Map.Entry::getKey, Map.Entry::getValue).block()).isEqualTo(before);
    }

    @Test
    void refillsGreedilyAndNeverAboveCapacity() {
        take(T0, 5);
        assertThat(take(T0.plusSeconds(3600), 8)).as("an hour later: the capacity, not an hour's tokens").containsExactly(5L, 200L);
    }

    @Test
    void anotherInstanceWhoseClockIsBehindGetsNoExtraTokens() {
        take(T0, 5);
        assertThat(take(T0.minusSeconds(30), 1).get(0)).isEqualTo(0L);
    }

    @Test
    void expiresOnceItWouldBeFullAgain() {
        take(T0, 2);
        Long ttl = redis.getExpire(bucket).map(Duration::toMillis).block();
        assertThat(ttl).isBetween(1L, 400L + 1000L);
    }

    private List<Object> take(Instant now, int requests) {
        return redis.execute(TAKE_EACH, List.of(bucket), List.of("5", "1000", Long.toString(now.toEpochMilli()), Integer.toString(requests)))
                .next().block();
    }

    private static LettuceConnectionFactory connections() {
        URI uri = URI.create((String) DevStack.forTests().properties().get("spring.data.redis.url"));
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
