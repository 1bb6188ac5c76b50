package org.fairrush.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.lua.LuaScripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;

/** lua/take-tokens-each.lua on a real Redis: the tokens of several requests of one address at once ({@link SharedBuckets}). */
class TakeTokensEachScriptTest {

    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");
    private static final RedisScript<List<Object>> TAKE_EACH = LuaScripts.list("take-tokens-each");

    private final RedisFixture fixture = RedisFixture.create();
    private final ReactiveStringRedisTemplate redis = fixture.redis;
    private final String bucket = fixture.properties.keyPrefix() + ":rl:tb-addr:test";

    @AfterEach
    void removeTheBucket() {
        fixture.close();
    }

    @Test
    void passesAsManyRequestsAsTheBucketHoldsAndSaysWhenTheNextTokenComes() {
        // Five a second: a token every 200 ms.
        assertThat(take(T0, 1, 1, 1)).containsExactly(3L, 0L);
        assertThat(take(T0, 1, 1, 1)).as("two left for three requests").containsExactly(2L, 200L);
        assertThat(take(T0.plusMillis(150), 1)).as("three quarters of a token there").containsExactly(0L, 50L);
        assertThat(take(T0.plusMillis(200), 1, 1)).containsExactly(1L, 200L);
    }

    @Test
    void eachRequestTakesItsOwnCountAndNoneOvertakesOneThatDidNotFit() {
        assertThat(take(T0, 2, 3, 1)).as("2 + 3 fill the five; the third's token comes in 200 ms").containsExactly(2L, 200L);
        Instant later = T0.plusSeconds(1);
        // Five again: 3 fits, the next 3 does not (one short: 200 ms), and the 1 after it, which would fit, waits too.
        assertThat(take(later, 3, 3, 1)).containsExactly(1L, 200L);
        assertThat(take(later, 2)).as("the two the refused requests left").containsExactly(1L, 0L);
    }

    @Test
    void aCallThatTakesNothingWritesNothing() {
        take(T0, 5);
        Map<Object, Object> before = state();
        assertThat(take(T0.plusMillis(100), 1, 1, 1, 1)).containsExactly(0L, 100L);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void refillsGreedilyAndNeverAboveCapacity() {
        take(T0, 5);
        assertThat(take(T0.plusSeconds(3600), 1, 1, 1, 1, 1, 1, 1, 1)).as("an hour later: the capacity, not an hour's tokens")
                .containsExactly(5L, 200L);
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

    private Map<Object, Object> state() {
        return redis.opsForHash().entries(bucket).collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
    }

    /** One call at {@code now} for requests wanting {@code tokens} each, from a bucket of five a second. */
    private List<Object> take(Instant now, int... tokens) {
        List<String> args = new ArrayList<>(List.of("5", "1000", Long.toString(now.toEpochMilli())));
        for (int wanted : tokens) {
            args.add(Integer.toString(wanted));
        }
        return redis.execute(TAKE_EACH, List.of(bucket), args).next().block();
    }
}
