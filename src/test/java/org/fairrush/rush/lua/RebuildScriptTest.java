package org.fairrush.rush.lua;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.ScopeState;
import org.fairrush.rush.lua.ChangeScripts.AssignCode;
import org.fairrush.rush.lua.ChangeScripts.ReleaseCode;
import org.fairrush.rush.lua.ClaimScript.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** rebuild-scope.lua and rebuild-pool.lua against a real Redis: a rebuilt pool behaves as the lost one did. */
class RebuildScriptTest {

    static ScriptRedis redis;
    static RebuildScript rebuild;

    @BeforeAll
    static void connect() {
        redis = new ScriptRedis();
        rebuild = new RebuildScript(redis.redis, redis.codec);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

    private static PoolRef fairPool(String scope, String pool) {
        return new PoolRef("f", scope, pool);
    }

    private static PoolDefinition stalls(PoolRef ref, String... items) {
        return new PoolDefinition(ref, NOW.minusSeconds(60), NOW.plusSeconds(3600), 1, items.length, List.of(items), true);
    }

    private static ClaimRecorded stored(PoolRef ref, String actor, String item, String status, int revision) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), NOW, ref.kind(), ref.scope(), ref.pool(), actor, item,
                1, status, Map.of("name", actor), revision);
    }

    private static void write(PoolRef scope, Map<String, Integer> holders, List<ClaimRecorded> claims, ScopeState.Pool... pools) {
        ScopeState state = new ScopeState(scope, holders, claims, List.of(pools));
        rebuild.scope(redis.keys(scope), state).block();
        for (ScopeState.Pool pool : pools) {
            rebuild.pool(redis.keys(pool.definition().ref()), pool).block();
            redis.redis.opsForHash().put(redis.keys(pool.definition().ref()).meta(), "paused", "0").block();
        }
    }

    @Test
    void anItemPoolWhoseItemsAreAllHeldStaysAnItemPool() {
        PoolRef ref = fairPool(UUID.randomUUID().toString(), "A");
        ClaimRecorded holder = stored(ref, "m1", "A-01", ClaimRecorded.HELD, 0);
        write(PoolRef.single("f", ref.scope()), Map.of("m1", 1), List.of(holder),
                new ScopeState.Pool(stalls(ref, "A-01"), 0, List.of(), List.of(), false));

        ReleaseCode released = redis.changes.release(redis.keys(ref), holder.eventId()).block().code();

        assertThat(released).isEqualTo(ReleaseCode.RELEASED);
        assertThat(redis.stock(redis.keys(ref))).as("the released stall is free again").containsExactly("A-01");
        ClaimScript.ScriptAnswer next = redis.claims.run(redis.keys(ref), ClaimRecorded.draft(ref, "m2", NOW, Map.of()), "k-m2", NOW).block();
        assertThat(next.code()).isEqualTo(Code.GRANTED);
        assertThat(next.claim().item()).isEqualTo("A-01");
    }

    @Test
    void holdersWaitingListAndFreeItemsAreWhatWasGiven() {
        PoolRef ref = fairPool(UUID.randomUUID().toString(), "B");
        ClaimRecorded holder = stored(ref, "m1", "B-02", ClaimRecorded.HELD, 0);
        ClaimRecorded second = stored(ref, "m3", null, ClaimRecorded.WAITING, 0);
        ClaimRecorded first = stored(ref, "m2", null, ClaimRecorded.WAITING, 0);
        ClaimRecorded gone = stored(ref, "m4", null, ClaimRecorded.RELEASED, 1);
        write(PoolRef.single("f", ref.scope()), Map.of("m1", 1, "m2", 1, "m3", 1), List.of(holder, second, first, gone),
                new ScopeState.Pool(stalls(ref, "B-01", "B-02"), 0, List.of(), List.of(first.eventId(), second.eventId()), false));
        PoolKeys keys = redis.keys(ref);

        assertThat(redis.waiting(keys)).containsExactly(first.eventId().toString(), second.eventId().toString());
        assertThat(redis.claims.run(keys, ClaimRecorded.draft(ref, "m1", NOW, Map.of()), "k-m1", NOW).block().code())
                .isEqualTo(Code.LIMIT_REACHED);
        assertThat(redis.changes.release(keys, gone.eventId()).block().code()).isEqualTo(ReleaseCode.ALREADY);

        ChangeScripts.ReleaseAnswer released = redis.changes.release(keys, holder.eventId()).block();

        assertThat(released.promoted().claim().eventId()).isEqualTo(first.eventId());
        assertThat(released.promoted().claim().item()).isEqualTo("B-02");
        assertThat(released.promoted().claim().revision()).isEqualTo(1);
        assertThat(redis.waiting(keys)).containsExactly(second.eventId().toString());
    }

    @Test
    void theScopeStartsWithNothingPendingUnsentOrUnpublished() {
        PoolRef ref = fairPool(UUID.randomUUID().toString(), "C");
        PoolKeys keys = redis.keys(ref);
        ClaimRecorded lost = redis.claim(redis.itemPoolWithWaitlist(ref, 2), "m1");
        redis.redis.opsForHash().put(keys.changes(), lost.eventId().toString(), "{}").block();

        write(PoolRef.single("f", ref.scope()), Map.of(), List.of(),
                new ScopeState.Pool(stalls(ref, "C-01", "C-02"), 2, List.of("C-01", "C-02"), List.of(), false));

        for (String key : List.of(keys.pending(), keys.unsent(), keys.changes(), keys.confirmed(), keys.holders(), keys.claims())) {
            assertThat(redis.redis.hasKey(key).block()).as(key).isFalse();
        }
        assertThat(redis.stock(keys)).containsExactly("C-01", "C-02");
        assertThat(redis.redis.opsForHash().get(keys.meta(), "total").block()).isEqualTo("2");
    }

    @Test
    void aDrawnPoolKeepsItsAssignedMarkAndAnUndrawnOneWaitsForItsDraw() {
        String scope = UUID.randomUUID().toString();
        PoolRef drawn = fairPool(scope, "D");
        PoolRef undrawn = fairPool(scope, "E");
        ClaimRecorded entry = stored(undrawn, "m1", null, ClaimRecorded.WAITING, 0);
        PoolDefinition entriesOnly = new PoolDefinition(undrawn, NOW.minusSeconds(60), NOW.plusSeconds(3600), 1, 0, List.of(), true);
        write(PoolRef.single("f", scope), Map.of("m1", 1), List.of(entry),
                new ScopeState.Pool(stalls(drawn, "D-01"), 1, List.of("D-01"), List.of(), true),
                new ScopeState.Pool(entriesOnly, 0, List.of(), List.of(entry.eventId()), false));

        assertThat(redis.changes.assign(redis.keys(drawn), List.of(), List.of("D-01")).block()).isEqualTo(AssignCode.ALREADY);
        assertThat(redis.changes.assign(redis.keys(undrawn), List.of(entry.eventId()), List.of("E-01")).block())
                .isEqualTo(AssignCode.ASSIGNED);
        assertThat(redis.current(redis.keys(undrawn), entry.eventId()).item()).isEqualTo("E-01");
    }

    @Test
    void aCountedPoolGetsItsRemainingUnits() {
        PoolRef ref = new PoolRef("c", UUID.randomUUID().toString(), "");
        PoolDefinition vouchers = PoolDefinition.counted(ref, NOW.minusSeconds(60), NOW.plusSeconds(3600), 2, 50);

        write(ref, Map.of("member-1", 2), List.of(), ScopeState.Pool.counted(vouchers, 48));

        PoolKeys keys = redis.keys(ref);
        assertThat(redis.redis.opsForValue().get(keys.stock()).block()).isEqualTo("48");
        assertThat(redis.claims.run(keys, ClaimRecorded.draft(ref, "member-1", NOW, Map.of()), "k-1", NOW).block().code())
                .isEqualTo(Code.LIMIT_REACHED);
        assertThat(redis.claims.run(keys, ClaimRecorded.draft(ref, "member-2", NOW, Map.of()), "k-2", NOW).block().number())
                .isEqualTo(47);
    }
}
