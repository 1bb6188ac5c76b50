package org.fairrush.rush.lua;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.lua.ChangeScripts.AssignCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** assign-in-order.lua against a real Redis. */
class AssignInOrderScriptTest {

    static ScriptRedis redis;

    @BeforeAll
    static void connect() {
        redis = new ScriptRedis();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    private static PoolKeys entries(String pool, int count, List<ClaimRecorded> into) {
        PoolKeys keys = redis.entriesOnly(new PoolRef("f", UUID.randomUUID().toString(), pool));
        IntStream.range(0, count).forEach(i -> into.add(redis.claim(keys, "m" + i)));
        return keys;
    }

    @Test
    void everyClaimOfAnEmptyPoolWaits() {
        List<ClaimRecorded> claims = new java.util.ArrayList<>();
        PoolKeys keys = entries("A", 3, claims);

        assertThat(claims).allMatch(ClaimRecorded::waiting);
        assertThat(redis.waiting(keys)).hasSize(3);
    }

    @Test
    void handsItemsInTheGivenOrderAndKeepsTheRestWaitingInThatOrder() {
        List<ClaimRecorded> claims = new java.util.ArrayList<>();
        PoolKeys keys = entries("B", 4, claims);
        List<UUID> order = List.of(claims.get(2).eventId(), claims.get(0).eventId(), claims.get(3).eventId(), claims.get(1).eventId());

        AssignCode code = redis.changes.assign(keys, order, List.of("B-01", "B-02")).block();

        assertThat(code).isEqualTo(AssignCode.ASSIGNED);
        assertThat(redis.current(keys, claims.get(2).eventId()).item()).isEqualTo("B-01");
        assertThat(redis.current(keys, claims.get(0).eventId()).item()).isEqualTo("B-02");
        assertThat(redis.current(keys, claims.get(0).eventId()).revision()).isEqualTo(1);
        assertThat(redis.waiting(keys)).containsExactly(claims.get(3).eventId().toString(), claims.get(1).eventId().toString());
        assertThat(redis.outbox(keys)).containsOnlyKeys(claims.get(2).eventId().toString(), claims.get(0).eventId().toString());
        assertThat(redis.stock(keys)).isEmpty();
    }

    @Test
    void leftoverItemsBecomeTheStockAndALaterReleasePromotesNobody() {
        List<ClaimRecorded> claims = new java.util.ArrayList<>();
        PoolKeys keys = entries("C", 1, claims);

        redis.changes.assign(keys, List.of(claims.get(0).eventId()), List.of("C-01", "C-02", "C-03")).block();

        assertThat(redis.stock(keys)).containsExactly("C-02", "C-03");
        redis.changes.release(keys, claims.get(0).eventId()).block();
        assertThat(redis.stock(keys)).containsExactly("C-01", "C-02", "C-03");
    }

    @Test
    void refusesAnOrderThatIsNotExactlyTheWaitingClaims() {
        List<ClaimRecorded> claims = new java.util.ArrayList<>();
        PoolKeys keys = entries("D", 2, claims);

        AssignCode missing = redis.changes.assign(keys, List.of(claims.get(0).eventId()), List.of("D-01")).block();
        AssignCode stranger = redis.changes.assign(keys, List.of(claims.get(0).eventId(), UUID.randomUUID()), List.of("D-01")).block();
        AssignCode twice = redis.changes.assign(keys, List.of(claims.get(0).eventId(), claims.get(0).eventId()), List.of("D-01")).block();

        assertThat(List.of(missing, stranger, twice)).containsOnly(AssignCode.MISMATCH);
        assertThat(redis.waiting(keys)).hasSize(2);
        assertThat(redis.current(keys, claims.get(0).eventId()).waiting()).isTrue();
    }

    @Test
    void aSecondAssignmentChangesNothing() {
        List<ClaimRecorded> claims = new java.util.ArrayList<>();
        PoolKeys keys = entries("E", 2, claims);
        List<UUID> order = List.of(claims.get(0).eventId(), claims.get(1).eventId());
        redis.changes.assign(keys, order, List.of("E-01")).block();

        AssignCode again = redis.changes.assign(keys, List.of(claims.get(1).eventId(), claims.get(0).eventId()), List.of("E-01")).block();

        assertThat(again).isEqualTo(AssignCode.ALREADY);
        assertThat(redis.current(keys, claims.get(0).eventId()).item()).isEqualTo("E-01");
    }
}
