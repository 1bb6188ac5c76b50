package org.fairrush.rush.lua;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.lua.RetireScript.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ScanOptions;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** retire.lua against a real Redis: a scope leaves Redis whole, only once its life is over and all of it is stored. */
class RetireScriptTest {

    private static final Instant OPENS = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-12-01T10:30:00Z");
    private static final Instant LAST_DAY = Instant.parse("2026-12-08T18:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(7);

    private ScriptRedis redis;
    private RetireScript retire;
    private PersistenceScripts persistence;
    private final PoolRef scope = PoolRef.single("f", "9");
    private final PoolRef food = new PoolRef("f", "9", "FOOD");
    private final PoolRef crafts = new PoolRef("f", "9", "CRAFTS");

    @BeforeEach
    void setUp() {
        redis = new ScriptRedis();
        retire = new RetireScript(redis.redis);
        persistence = new PersistenceScripts(redis.redis);
        for (PoolRef pool : List.of(food, crafts)) {
            redis.define.run(redis.keys(pool), new PoolDefinition(pool, OPENS, CLOSES, 1, 2, List.of(pool.pool() + "-1", pool.pool() + "-2"),
                    true, LAST_DAY)).block();
        }
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    private ClaimRecorded claim(PoolRef pool, String actor) {
        return redis.claims.run(redis.keys(pool), ClaimRecorded.draft(pool, actor, OPENS, Map.of()), actor + "-key", OPENS).block().claim();
    }

    private Result retireAt(Instant now) {
        return retire.run(redis.keys(scope), List.of(redis.keys(food), redis.keys(crafts)), now, RETENTION).block();
    }

    private long keysOfScope() {
        return redis.redis.scan(ScanOptions.scanOptions().match(redis.fixture.properties.keyPrefix() + ":{f:9}:*").build()).count().block();
    }

    private void stored(ClaimRecorded claim) {
        persistence.confirm(redis.keys(scope), List.of(claim)).block();
        persistence.clear(redis.keys(scope), List.of(claim)).block();
    }

    @Test
    void keepsAScopeUntilTheRetentionAfterItsLastDayHasPassed() {
        stored(claim(food, "m-1"));

        assertThat(retireAt(LAST_DAY.plus(RETENTION).minusMillis(1))).isEqualTo(Result.NOT_YET);
        assertThat(redis.stock(redis.keys(food))).containsExactly("FOOD-2");
    }

    @Test
    void keepsAScopeWhileAClaimIsNotStored() {
        claim(food, "m-1");

        assertThat(retireAt(LAST_DAY.plus(RETENTION))).isEqualTo(Result.NOT_YET);
        assertThat(redis.stock(redis.keys(food))).containsExactly("FOOD-2");
    }

    @Test
    void keepsAScopeWhileAChangeIsNotPublished() {
        ClaimRecorded held = claim(food, "m-1");
        stored(held);
        redis.changes.release(redis.keys(food), held.eventId()).block();

        assertThat(retireAt(LAST_DAY.plus(RETENTION))).isEqualTo(Result.NOT_YET);
    }

    @Test
    void removesEveryKeyOfTheScopeOnceItsLifeIsOverAndEverythingIsStored() {
        stored(claim(food, "m-1"));
        stored(claim(crafts, "m-2"));
        assertThat(keysOfScope()).isGreaterThan(5);

        assertThat(retireAt(LAST_DAY.plus(RETENTION))).isEqualTo(Result.RETIRED);

        // Only the idempotency keys stay, until their TTL (never longer than the retention) expires.
        assertThat(redis.redis.scan(ScanOptions.scanOptions().match(redis.fixture.properties.keyPrefix() + ":{f:9}:*").build())
                .filter(key -> !key.contains(":idem:")).count().block()).isZero();
    }

    @Test
    void retiringAgainChangesNothing() {
        stored(claim(food, "m-1"));
        retireAt(LAST_DAY.plus(RETENTION));

        assertThat(retireAt(LAST_DAY.plus(RETENTION))).isEqualTo(Result.GONE);
    }

    @Test
    void aRetiredPoolTakesNoClaim() {
        retireAt(LAST_DAY.plus(RETENTION));

        StepVerifier.create(redis.claims.run(redis.keys(food), ClaimRecorded.draft(food, "m-3", OPENS, Map.of()), "k-3", OPENS)
                        .map(ClaimScript.ScriptAnswer::code))
                .expectNext(ClaimScript.Code.UNKNOWN_POOL).verifyComplete();
        assertThat(keysOfScope()).isZero();
    }

    @Test
    void concurrentRetirementsRetireOnce() {
        stored(claim(food, "m-1"));

        List<Result> results = reactor.core.publisher.Flux.range(0, 8)
                .flatMap(i -> retire.run(redis.keys(scope), List.of(redis.keys(food), redis.keys(crafts)), LAST_DAY.plus(RETENTION), RETENTION))
                .collectList().block();

        assertThat(results).containsOnlyOnce(Result.RETIRED).containsOnly(Result.RETIRED, Result.GONE);
    }
}
