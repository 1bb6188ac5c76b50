package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.lua.ReleaseScript.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** release.lua, confirm.lua and clear.lua against a real Redis. */
class ReleaseAndPersistenceScriptsTest {

    private static final Instant OPENS = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant CLOSES = Instant.parse("2026-12-01T10:30:00Z");

    private RedisFixture fixture;
    private ClaimScript claims;
    private ReleaseScript release;
    private PersistenceScripts persistence;
    private final PoolRef pool = PoolRef.single("c", "2");
    private PoolKeys keys;

    @BeforeEach
    void setUp() {
        fixture = RedisFixture.create();
        claims = new ClaimScript(fixture.redis, fixture.codec, fixture.idempotencyTtl());
        release = new ReleaseScript(fixture.redis);
        persistence = new PersistenceScripts(fixture.redis);
        keys = fixture.keys(pool);
        new DefinePoolScript(fixture.redis).run(keys, PoolDefinition.counted(pool, OPENS, CLOSES, 1, 5)).block();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private ClaimRecorded claim(String actor, String key) {
        return claims.run(keys, ClaimRecorded.draft(pool, actor, OPENS, Map.of()), key, OPENS).block().claim();
    }

    private String stock() {
        return fixture.redis.opsForValue().get(keys.stock()).block();
    }

    @Test
    void reversalPutsEverythingBack() {
        ClaimRecorded claim = claim("m-1", "k-1");

        StepVerifier.create(release.run(keys, claim, "k-1", OPENS)).expectNext(Result.REVERSED).verifyComplete();

        assertThat(stock()).isEqualTo("5");
        assertThat(fixture.redis.opsForHash().hasKey(keys.holders(), "m-1").block()).isFalse();
        assertThat(fixture.redis.opsForHash().size(keys.pending()).block()).isZero();
        assertThat(fixture.redis.hasKey(keys.idempotency("m-1", "k-1")).block()).isFalse();
        assertThat(claim("m-1", "k-1").eventId()).as("the same key now makes a fresh claim").isNotEqualTo(claim.eventId());
    }

    @Test
    void reversingTwiceReversesOnce() {
        ClaimRecorded claim = claim("m-1", "k-1");
        release.run(keys, claim, "k-1", OPENS).block();

        StepVerifier.create(release.run(keys, claim, "k-1", OPENS)).expectNext(Result.UNKNOWN).verifyComplete();
        assertThat(stock()).isEqualTo("5");
    }

    @Test
    void aConfirmedClaimIsDurableAndStands() {
        ClaimRecorded claim = claim("m-1", "k-1");
        persistence.confirm(keys, List.of(claim)).block();

        StepVerifier.create(release.run(keys, claim, "k-1", OPENS)).expectNext(Result.DURABLE).verifyComplete();
        assertThat(stock()).isEqualTo("4");
    }

    @Test
    void confirmSkipsReversedClaims() {
        ClaimRecorded reversed = claim("m-1", "k-1");
        ClaimRecorded kept = claim("m-2", "k-2");
        release.run(keys, reversed, "k-1", OPENS).block();

        StepVerifier.create(persistence.confirm(keys, List.of(reversed, kept))).expectNext(List.of(kept)).verifyComplete();
    }

    @Test
    void clearForgetsPendingAndConfirmedRecords() {
        ClaimRecorded claim = claim("m-1", "k-1");
        persistence.confirm(keys, List.of(claim)).block();

        StepVerifier.create(persistence.clear(keys, List.of(claim))).expectNext(1L).verifyComplete();
        assertThat(fixture.redis.opsForHash().size(keys.pending()).block()).isZero();
        assertThat(fixture.redis.opsForSet().size(keys.confirmed()).block()).isZero();
        assertThat(stock()).as("a stored claim keeps its unit").isEqualTo("4");
    }

    @Test
    void clearTakesTheLargestBatchTheSettingsAllow() {
        List<ClaimRecorded> batch = java.util.stream.IntStream.range(0, PersistenceScripts.MOST_CLAIMS_PER_CALL)
                .mapToObj(i -> ClaimRecorded.draft(pool, "m-" + i, OPENS, Map.of())).toList();

        StepVerifier.create(persistence.confirm(keys, batch)).expectNextMatches(kept -> kept.size() == batch.size()).verifyComplete();
        StepVerifier.create(persistence.clear(keys, batch)).expectNext(0L).verifyComplete();
        assertThat(fixture.redis.opsForSet().size(keys.confirmed()).block()).isZero();
    }

    @Test
    void reversingAWaitingClaimLeavesTheWaitingList() {
        PoolRef food = new PoolRef("f", "3", "FOOD");
        PoolKeys foodKeys = fixture.keys(food);
        new DefinePoolScript(fixture.redis).run(foodKeys, new PoolDefinition(food, OPENS, CLOSES, 1, 1, List.of("FOOD-01"), true)).block();
        claims.run(foodKeys, ClaimRecorded.draft(food, "shop-a", OPENS, Map.of()), "k-a", OPENS).block();
        ClaimRecorded waiting = claims.run(foodKeys, ClaimRecorded.draft(food, "shop-b", OPENS, Map.of()), "k-b", OPENS).block().claim();

        StepVerifier.create(release.run(foodKeys, waiting, "k-b", OPENS)).expectNext(Result.REVERSED).verifyComplete();
        assertThat(fixture.redis.opsForList().size(foodKeys.waitlist()).block()).isZero();
        assertThat(fixture.redis.opsForList().size(foodKeys.stock()).block()).as("no item came back: none was taken").isZero();
    }
}
