package org.fairrush.rush.lua;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DailyQuota;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.lua.ClaimScript.Code;
import org.fairrush.rush.lua.ClaimScript.ScriptAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * claim.lua and release.lua with a daily quota against a real Redis: the day's units and each actor's day are
 * exact, even under threads and across midnight in the pool's zone; an empty pool stays SOLD_OUT; a reversal gives
 * the day's unit back; a day's counters expire.
 */
class DailyQuotaScriptTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** 23:59:59.999 on 1 May 2030 in Shanghai, and the first instant of 2 May there. */
    private static final Instant LAST_MILLI_OF_MAY_1 = Instant.parse("2030-05-01T15:59:59.999Z");
    private static final Instant MAY_2 = Instant.parse("2030-05-01T16:00:00Z");

    private RedisFixture fixture;
    private ClaimScript claims;
    private final PoolRef pool = PoolRef.single("c", "7");

    @BeforeEach
    void setUp() {
        fixture = RedisFixture.create();
        claims = new ClaimScript(fixture.redis, fixture.codec, fixture.idempotencyTtl());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void counted(int stock, int limit) {
        new DefinePoolScript(fixture.redis).run(fixture.keys(pool), PoolDefinition.counted(pool,
                LAST_MILLI_OF_MAY_1.minusSeconds(3600), MAY_2.plusSeconds(3600), limit, stock)).block();
    }

    private ScriptAnswer claim(DailyQuota quota, String actor, String key, Instant at) {
        return claims.run(fixture.keys(pool).onDay(quota, at), ClaimRecorded.draft(pool, actor, at, Map.of()), key, at).block();
    }

    private static DailyQuota daily(int units, int perActor) {
        return new DailyQuota(SHANGHAI, units, perActor);
    }

    @Test
    void refusesTheDaysSoldOutWhileThePoolHasStock() {
        counted(10, 5);
        assertThat(claim(daily(2, 0), "m-1", "k-1", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.GRANTED);
        assertThat(claim(daily(2, 0), "m-2", "k-2", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.GRANTED);
        assertThat(claim(daily(2, 0), "m-3", "k-3", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.DAILY_SOLD_OUT);
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).stock()).block()).isEqualTo("8");
    }

    @Test
    void grantsAgainAtTheFirstInstantOfTheNextDayInTheZone() {
        counted(10, 5);
        claim(daily(1, 0), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        assertThat(claim(daily(1, 0), "m-2", "k-2", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.DAILY_SOLD_OUT);
        assertThat(claim(daily(1, 0), "m-2", "k-3", MAY_2).code()).isEqualTo(Code.GRANTED);
    }

    @Test
    void answersSoldOutNotDailySoldOutWhenThePoolIsEmpty() {
        counted(2, 5);
        claim(daily(2, 0), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        claim(daily(2, 0), "m-2", "k-2", LAST_MILLI_OF_MAY_1);
        assertThat(claim(daily(2, 0), "m-3", "k-3", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.SOLD_OUT);
    }

    @Test
    void refusesAnActorsSecondClaimOfTheDayAndGrantsItTheNextDay() {
        counted(10, 5);
        assertThat(claim(daily(0, 1), "m-1", "k-1", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.GRANTED);
        assertThat(claim(daily(0, 1), "m-1", "k-2", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.DAILY_LIMIT_REACHED);
        assertThat(claim(daily(0, 1), "m-2", "k-3", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.GRANTED);
        ScriptAnswer nextDay = claim(daily(0, 1), "m-1", "k-4", MAY_2);
        assertThat(nextDay.code()).isEqualTo(Code.GRANTED);
        assertThat(nextDay.claim().seq()).as("the scope's count goes on across days").isEqualTo(2);
    }

    @Test
    void theScopesLimitStillHoldsAcrossDays() {
        counted(10, 1);
        claim(daily(0, 1), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        assertThat(claim(daily(0, 1), "m-1", "k-2", MAY_2).code()).isEqualTo(Code.LIMIT_REACHED);
    }

    @Test
    void aReplayIsAnsweredEvenWhenTheDayIsSoldOut() {
        counted(10, 5);
        ScriptAnswer first = claim(daily(1, 0), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        ScriptAnswer again = claim(daily(1, 0), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        assertThat(again.code()).isEqualTo(Code.REPLAYED);
        assertThat(again.claim().eventId()).isEqualTo(first.claim().eventId());
    }

    @Test
    void theDaysCountersExpireADayAfterTheirDay() {
        counted(10, 5);
        claim(daily(3, 1), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        PoolKeys day = fixture.keys(pool).onDay(daily(3, 1), LAST_MILLI_OF_MAY_1);
        Instant expected = MAY_2.plusSeconds(86_400);
        for (String key : List.of(day.dayGranted(), day.dayHolders())) {
            java.time.Duration ttl = fixture.redis.getExpire(key).block();
            assertThat(Instant.now().plus(ttl)).as(key).isBetween(expected.minusSeconds(5), expected.plusSeconds(5));
        }
    }

    @Test
    void aReversedClaimGivesItsDaysUnitAndItsActorsDayBack() {
        counted(10, 5);
        ScriptAnswer granted = claim(daily(1, 1), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        PoolKeys day = fixture.keys(pool).onDay(daily(1, 1), LAST_MILLI_OF_MAY_1);
        assertThat(new ReleaseScript(fixture.redis).run(day, granted.claim(), "k-1", LAST_MILLI_OF_MAY_1).block())
                .isEqualTo(ReleaseScript.Result.REVERSED);
        assertThat(fixture.redis.opsForValue().get(day.dayGranted()).block()).isEqualTo("0");
        assertThat(fixture.redis.opsForHash().hasKey(day.dayHolders(), "m-1").block()).isFalse();
        assertThat(claim(daily(1, 1), "m-1", "k-2", LAST_MILLI_OF_MAY_1).code()).isEqualTo(Code.GRANTED);
    }

    @Test
    void aReversalAfterItsDayExpiredLeavesNoCounterBehind() {
        counted(10, 5);
        ScriptAnswer granted = claim(daily(1, 1), "m-1", "k-1", LAST_MILLI_OF_MAY_1);
        PoolKeys day = fixture.keys(pool).onDay(daily(1, 1), LAST_MILLI_OF_MAY_1);
        fixture.redis.delete(day.dayGranted(), day.dayHolders()).block();
        new ReleaseScript(fixture.redis).run(day, granted.claim(), "k-1", LAST_MILLI_OF_MAY_1).block();
        assertThat(fixture.redis.hasKey(day.dayGranted()).block()).isFalse();
        assertThat(fixture.redis.hasKey(day.dayHolders()).block()).isFalse();
    }

    @Test
    void eightThreadsAcrossMidnightGrantExactlyEachDaysUnits() throws Exception {
        counted(1_000, 5);
        DailyQuota quota = daily(40, 0);
        List<Callable<Code>> calls = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Instant at = i % 2 == 0 ? LAST_MILLI_OF_MAY_1 : MAY_2;
            String actor = "m-" + i;
            String key = "k-" + i;
            calls.add(() -> claim(quota, actor, key, at).code());
        }
        List<Code> codes = runAll(calls);

        assertThat(codes.stream().filter(Code.GRANTED::equals).count()).isEqualTo(80);
        assertThat(codes.stream().filter(Code.DAILY_SOLD_OUT::equals).count()).isEqualTo(320);
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).onDay(quota, LAST_MILLI_OF_MAY_1).dayGranted()).block()).isEqualTo("40");
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).onDay(quota, MAY_2).dayGranted()).block()).isEqualTo("40");
        assertThat(fixture.redis.opsForValue().get(fixture.keys(pool).stock()).block()).isEqualTo("920");
    }

    @Test
    void eightThreadsOfOneActorGetExactlyTheDailyLimit() throws Exception {
        counted(1_000, 100);
        DailyQuota quota = daily(0, 3);
        List<Callable<Code>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String key = "k-" + i;
            calls.add(() -> claim(quota, "m-1", key, LAST_MILLI_OF_MAY_1).code());
        }
        List<Code> codes = runAll(calls);

        assertThat(codes.stream().filter(Code.GRANTED::equals).count()).isEqualTo(3);
        assertThat(codes.stream().filter(Code.DAILY_LIMIT_REACHED::equals).count()).isEqualTo(197);
    }

    private static List<Code> runAll(List<Callable<Code>> calls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Code> codes = new ArrayList<>();
            for (Future<Code> result : threads.invokeAll(calls)) {
                codes.add(result.get());
            }
            return codes;
        } finally {
            threads.shutdown();
        }
    }
}
