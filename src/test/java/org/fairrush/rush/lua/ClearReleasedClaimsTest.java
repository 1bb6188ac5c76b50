package org.fairrush.rush.lua;

import java.util.List;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * clear.lua against a real Redis: the claims hash of a pool with a waiting list keeps the claims that can still
 * change; a released claim leaves it once its release is stored, not before.
 */
class ClearReleasedClaimsTest {

    private ScriptRedis redis;
    private PersistenceScripts persistence;
    private final PoolRef food = new PoolRef("f", "11", "FOOD");
    private final PoolRef scope = PoolRef.single("f", "11");
    private PoolKeys keys;

    @BeforeEach
    void setUp() {
        redis = new ScriptRedis();
        persistence = new PersistenceScripts(redis.redis);
        keys = redis.itemPoolWithWaitlist(food, 2);
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    private void stored(ClaimRecorded claim) {
        persistence.confirm(redis.keys(scope), List.of(claim)).block();
        persistence.clear(redis.keys(scope), List.of(claim)).block();
    }

    private ClaimRecorded released(ClaimRecorded claim) {
        return redis.changes.release(keys, claim.eventId()).block().released().claim();
    }

    @Test
    void aReleasedClaimLeavesTheClaimsHashOnceItsReleaseIsStored() {
        ClaimRecorded held = redis.claim(keys, "m-1");
        stored(held);
        ClaimRecorded release = released(held);

        stored(release);

        assertThat(redis.current(keys, held.eventId())).isNull();
    }

    @Test
    void aReleasedClaimStaysWhileOnlyAnEarlierRevisionIsStored() {
        ClaimRecorded held = redis.claim(keys, "m-1");
        released(held);

        stored(held);

        assertThat(redis.current(keys, held.eventId())).extracting(ClaimRecorded::status).isEqualTo(ClaimRecorded.RELEASED);
    }

    @Test
    void aStoredClaimThatCanStillChangeStays() {
        ClaimRecorded held = redis.claim(keys, "m-1");

        stored(held);

        assertThat(redis.current(keys, held.eventId())).extracting(ClaimRecorded::status).isEqualTo(ClaimRecorded.HELD);
    }
}
