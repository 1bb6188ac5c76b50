package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.lua.GrantScript.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** grant-in-order.lua (a randomized opening's draw applied) against a real Redis. */
class GrantInOrderScriptTest {

    static final Instant OPENS_AT = Instant.parse("2030-05-01T02:00:10Z");

    static ScriptRedis redis;
    static GrantScript grant;

    @BeforeAll
    static void connect() {
        redis = new ScriptRedis();
        grant = new GrantScript(redis.redis);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    /** A campaign scope: its entries pool with {@code entrants} entries, its usual pool of {@code stock} units, closed. */
    private static PoolKeys[] opening(int entrants, int stock, List<ClaimRecorded> entries) {
        String scope = UUID.randomUUID().toString();
        PoolKeys entriesPool = redis.entriesOnly(new PoolRef("c", scope, "opening"));
        PoolRef usual = PoolRef.single("c", scope);
        Instant now = Instant.now();
        redis.define.run(redis.keys(usual), PoolDefinition.counted(usual, now.plusSeconds(3600), now.plusSeconds(3600), 1, stock)).block();
        IntStream.range(0, entrants).forEach(i -> entries.add(redis.claim(entriesPool, "m" + i)));
        return new PoolKeys[] {entriesPool, redis.keys(usual)};
    }

    private static String counter(String key) {
        return redis.redis.opsForValue().get(key).block();
    }

    @Test
    void grantsUnitsInTheGivenOrderWhileTheyLastAndReleasesTheRest() {
        List<ClaimRecorded> entries = new ArrayList<>();
        PoolKeys[] pools = opening(4, 2, entries);
        List<UUID> order = List.of(entries.get(3).eventId(), entries.get(1).eventId(), entries.get(0).eventId(), entries.get(2).eventId());

        GrantScript.Answer answer = grant.run(pools[0], pools[1], order, OPENS_AT).block();

        assertThat(answer).isEqualTo(new GrantScript.Answer(Code.GRANTED, 2, 0));
        ClaimRecorded first = redis.current(pools[1], entries.get(3).eventId());
        assertThat(first.status()).isEqualTo(ClaimRecorded.HELD);
        assertThat(first.pool()).isEmpty();
        assertThat(first.revision()).isEqualTo(1);
        assertThat(redis.current(pools[1], entries.get(1).eventId()).status()).isEqualTo(ClaimRecorded.HELD);
        assertThat(redis.current(pools[1], entries.get(0).eventId()).status()).isEqualTo(ClaimRecorded.RELEASED);
        assertThat(redis.outbox(pools[1])).hasSize(4);
        assertThat(redis.waiting(pools[0])).isEmpty();
        assertThat(counter(pools[1].stock())).isEqualTo("0");
        assertThat(redis.redis.<String, String>opsForHash().get(pools[1].holders(), "m3").block()).isEqualTo("1");
        assertThat(redis.redis.<String, String>opsForHash().hasKey(pools[1].holders(), "m0").block()).isFalse();
        assertThat(redis.redis.<String, String>opsForHash().get(pools[1].meta(), "opensAt").block())
                .isEqualTo(Long.toString(OPENS_AT.toEpochMilli()));
    }

    @Test
    void leavesTheUnitsNotWonAsStock() {
        List<ClaimRecorded> entries = new ArrayList<>();
        PoolKeys[] pools = opening(2, 5, entries);

        GrantScript.Answer answer = grant.run(pools[0], pools[1], entries.stream().map(ClaimRecorded::eventId).toList(), OPENS_AT).block();

        assertThat(answer).isEqualTo(new GrantScript.Answer(Code.GRANTED, 2, 3));
        assertThat(counter(pools[1].stock())).isEqualTo("3");
    }

    @Test
    void refusesAnOrderThatIsNotExactlyTheEntries() {
        List<ClaimRecorded> entries = new ArrayList<>();
        PoolKeys[] pools = opening(2, 1, entries);

        GrantScript.Answer missing = grant.run(pools[0], pools[1], List.of(entries.get(0).eventId()), OPENS_AT).block();
        GrantScript.Answer stranger = grant.run(pools[0], pools[1], List.of(entries.get(0).eventId(), UUID.randomUUID()), OPENS_AT).block();

        assertThat(List.of(missing.code(), stranger.code())).containsOnly(Code.MISMATCH);
        assertThat(redis.waiting(pools[0])).hasSize(2);
        assertThat(counter(pools[1].stock())).isEqualTo("1");
    }

    @Test
    void grantsOnceHoweverManyAskAtOnce() throws Exception {
        List<ClaimRecorded> entries = new ArrayList<>();
        PoolKeys[] pools = opening(30, 10, entries);
        List<UUID> order = entries.stream().map(ClaimRecorded::eventId).toList();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<GrantScript.Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                answers.add(threads.submit(() -> grant.run(pools[0], pools[1], order, OPENS_AT).block()));
            }
            List<Code> codes = new ArrayList<>();
            for (Future<GrantScript.Answer> answer : answers) {
                codes.add(answer.get().code());
            }
            assertThat(codes).containsOnlyOnce(Code.GRANTED).containsOnly(Code.GRANTED, Code.ALREADY);
        } finally {
            threads.shutdown();
        }
        assertThat(counter(pools[1].stock())).isEqualTo("0");
        assertThat(redis.currentClaims(pools[1]).stream().filter(claim -> ClaimRecorded.HELD.equals(claim.status()))).hasSize(10);
    }
}
