package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.lua.ClaimScript.Code;
import org.fairrush.rush.lua.ClaimScript.ScriptAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** claim.lua and define-pool.lua against a real Redis: window edges, limit, last unit, replay, items, waiting list. */
class ClaimScriptTest {

    private static final Instant OPENS = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-12-01T10:30:00Z");

    private RedisFixture fixture;
    private ClaimScript claims;
    private DefinePoolScript define;
    private final PoolRef pool = PoolRef.single("c", "1");

    @BeforeEach
    void setUp() {
        fixture = RedisFixture.create();
        claims = new ClaimScript(fixture.redis, fixture.codec, fixture.idempotencyTtl());
        define = new DefinePoolScript(fixture.redis);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void counted(int stock, int limit) {
        define.run(fixture.keys(pool), PoolDefinition.counted(pool, OPENS, CLOSES, limit, stock)).block();
    }

    private ScriptAnswer claim(PoolRef ref, String actor, String key, Instant at) {
        return claims.run(fixture.keys(ref), ClaimRecorded.draft(ref, actor, at, Map.of("code", "X")), key, at).block();
    }

    @Test
    void grantsAndCountsDown() {
        counted(3, 1);
        ScriptAnswer answer = claim(pool, "m-1", "k-1", OPENS.plusSeconds(1));
        assertThat(answer.code()).isEqualTo(Code.GRANTED);
        assertThat(answer.number()).isEqualTo(2);
        assertThat(answer.claim().seq()).isEqualTo(1);
        assertThat(answer.claim().status()).isEqualTo(ClaimRecorded.HELD);
        assertThat(answer.claim().attributes()).containsEntry("code", "X");
        assertThat(fixture.redis.opsForHash().hasKey(fixture.keys(pool).pending(), answer.claim().eventId().toString()).block()).isTrue();
    }

    @Test
    void refusesOneMillisecondBeforeTheWindowOpens() {
        counted(3, 1);
        assertThat(claim(pool, "m-1", "k-1", OPENS.minusMillis(1)).code()).isEqualTo(Code.NOT_STARTED);
    }

    @Test
    void grantsAtTheVeryFirstMillisecondOfTheWindow() {
        counted(3, 1);
        assertThat(claim(pool, "m-1", "k-1", OPENS).code()).isEqualTo(Code.GRANTED);
    }

    @Test
    void refusesAtTheClosingInstant() {
        counted(3, 1);
        assertThat(claim(pool, "m-1", "k-1", CLOSES.minusMillis(1)).code()).isEqualTo(Code.GRANTED);
        assertThat(claim(pool, "m-2", "k-2", CLOSES).code()).isEqualTo(Code.ENDED);
    }

    @Test
    void refusesTheClaimAboveTheLimit() {
        counted(10, 2);
        assertThat(claim(pool, "m-1", "k-1", OPENS).claim().seq()).isEqualTo(1);
        assertThat(claim(pool, "m-1", "k-2", OPENS).claim().seq()).isEqualTo(2);
        assertThat(claim(pool, "m-1", "k-3", OPENS).code()).isEqualTo(Code.LIMIT_REACHED);
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).stock()).block()).isEqualTo("8");
    }

    @Test
    void sellsTheLastUnitThenRefuses() {
        counted(1, 1);
        ScriptAnswer last = claim(pool, "m-1", "k-1", OPENS);
        assertThat(last.code()).isEqualTo(Code.GRANTED);
        assertThat(last.number()).isZero();
        assertThat(claim(pool, "m-2", "k-2", OPENS).code()).isEqualTo(Code.SOLD_OUT);
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).stock()).block()).isEqualTo("0");
    }

    @Test
    void replayReturnsTheFirstClaimAndTakesNothing() {
        counted(5, 1);
        ScriptAnswer first = claim(pool, "m-1", "k-1", OPENS);
        ScriptAnswer replay = claim(pool, "m-1", "k-1", OPENS.plusSeconds(5));
        assertThat(replay.code()).isEqualTo(Code.REPLAYED);
        assertThat(replay.claim()).isEqualTo(first.claim());
        assertThat(replay.number()).as("still on its way: neither acknowledged nor stored").isZero();
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).stock()).block()).isEqualTo("4");
    }

    @Test
    void replayOfADurableClaimSaysSo() {
        counted(5, 1);
        ScriptAnswer first = claim(pool, "m-1", "k-1", OPENS);
        fixture.redis.opsForSet().add(fixture.keys(pool).confirmed(), first.claim().eventId().toString()).block();
        assertThat(claim(pool, "m-1", "k-1", OPENS).number()).isEqualTo(1);
    }

    @Test
    void replayWorksEvenAfterTheWindowClosed() {
        counted(5, 1);
        ScriptAnswer first = claim(pool, "m-1", "k-1", OPENS);
        assertThat(claim(pool, "m-1", "k-1", CLOSES.plusSeconds(60)).claim().eventId()).isEqualTo(first.claim().eventId());
    }

    @Test
    void refusesAPausedPool() {
        counted(5, 1);
        fixture.redis.opsForHash().put(fixture.keys(pool).meta(), "paused", "1").block();
        assertThat(claim(pool, "m-1", "k-1", OPENS).code()).isEqualTo(Code.PAUSED);
    }

    @Test
    void refusesAPoolThatWasNeverDefined() {
        assertThat(claim(PoolRef.single("c", "404"), "m-1", "k-1", OPENS).code()).isEqualTo(Code.UNKNOWN_POOL);
    }

    @Test
    void definingAnExistingPoolChangesNothing() {
        counted(5, 1);
        claim(pool, "m-1", "k-1", OPENS);
        StepVerifier.create(define.run(fixture.keys(pool), PoolDefinition.counted(pool, OPENS, CLOSES, 1, 5)))
                .expectNext(false)
                .verifyComplete();
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).stock()).block()).isEqualTo("4");
    }

    @Test
    void itemPoolsHandOutItemsInOrderThenWaitlist() {
        PoolRef food = new PoolRef("f", "7", "FOOD");
        define.run(fixture.keys(food), new PoolDefinition(food, OPENS, CLOSES, 1, 2, List.of("FOOD-01", "FOOD-02"), true)).block();

        assertThat(claim(food, "shop-a", "k-a", OPENS).claim().item()).isEqualTo("FOOD-01");
        assertThat(claim(food, "shop-b", "k-b", OPENS).claim().item()).isEqualTo("FOOD-02");
        ScriptAnswer third = claim(food, "shop-c", "k-c", OPENS);
        ScriptAnswer fourth = claim(food, "shop-d", "k-d", OPENS);

        assertThat(third.code()).isEqualTo(Code.WAITLISTED);
        assertThat(third.number()).isEqualTo(1);
        assertThat(third.claim().status()).isEqualTo(ClaimRecorded.WAITING);
        assertThat(third.claim().item()).isNull();
        assertThat(fourth.number()).isEqualTo(2);
        assertThat(claim(food, "shop-d", "k-d", OPENS).position()).as("a replayed waiting claim knows its place").isEqualTo(2);
    }

    @Test
    void theLimitSpansEveryPoolOfAScope() {
        PoolRef food = new PoolRef("f", "8", "FOOD");
        PoolRef crafts = new PoolRef("f", "8", "CRAFTS");
        define.run(fixture.keys(food), new PoolDefinition(food, OPENS, CLOSES, 1, 1, List.of("FOOD-01"), true)).block();
        define.run(fixture.keys(crafts), new PoolDefinition(crafts, OPENS, CLOSES, 1, 1, List.of("CRAFTS-01"), true)).block();

        assertThat(claim(food, "shop-a", "k-1", OPENS).code()).isEqualTo(Code.GRANTED);
        assertThat(claim(crafts, "shop-a", "k-2", OPENS).code()).isEqualTo(Code.LIMIT_REACHED);
    }

    /**
     * The claim in the answer is built from the draft and what the script says it added, not read from the JSON the
     * script recorded, and that JSON goes to Kafka as it is: the two must be one claim, on every kind of grant.
     */
    @Test
    void theAnsweredClaimAndItsJsonAreTheClaimRedisRecorded() {
        define.run(fixture.keys(pool), PoolDefinition.counted(pool, OPENS, CLOSES, 2, 5)).block();
        PoolRef food = new PoolRef("f", "9", "FOOD");
        define.run(fixture.keys(food), new PoolDefinition(food, OPENS, CLOSES, 1, 1, List.of("FOOD-01"), true)).block();
        Map<String, String> awkward = Map.of("code", "7-AB/CD", "note", "Gr\u00fc\u00dfe \"quoted\" \\ \u2603 \t");

        List<ScriptAnswer> answers = List.of(
                claims.run(fixture.keys(pool), ClaimRecorded.draft(pool, "m-1", OPENS, awkward), "k-1", OPENS).block(),
                claims.run(fixture.keys(pool), ClaimRecorded.draft(pool, "m-1", OPENS, Map.of()), "k-2", OPENS).block(),
                claim(food, "shop-a", "k-a", OPENS),
                claim(food, "shop-b", "k-b", OPENS));

        assertThat(answers).extracting(ScriptAnswer::code).containsExactly(Code.GRANTED, Code.GRANTED, Code.GRANTED, Code.WAITLISTED);
        assertThat(answers).extracting(answer -> answer.claim().seq()).containsExactly(1, 2, 1, 1);
        assertThat(answers).extracting(answer -> answer.claim().item()).containsExactly(null, null, "FOOD-01", null);
        for (ScriptAnswer answer : answers) {
            String id = answer.claim().eventId().toString();
            Object pending = fixture.redis.opsForHash().get(fixture.keys(answer.claim().poolRef()).pending(), id).block();
            assertThat(answer.recordedJson()).as("the JSON sent to Kafka is the pending record").isEqualTo(pending);
            assertThat(fixture.codec.read(answer.recordedJson())).as("and reads as the answered claim").isEqualTo(answer.claim());
        }
        assertThat(answers.get(0).claim().attributes()).isEqualTo(awkward);
    }
}
