package org.fairrush.rush.lua;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.lua.ChangeScripts.ReleaseAnswer;
import org.fairrush.rush.lua.ChangeScripts.ReleaseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/** release-and-promote.lua and forget-change.lua against a real Redis. */
class ReleaseAndPromoteScriptTest {

    static ScriptRedis redis;

    @BeforeAll
    static void connect() {
        redis = new ScriptRedis();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    private static PoolRef fairPool(String pool) {
        return new PoolRef("f", UUID.randomUUID().toString(), pool);
    }

    private static ReleaseAnswer release(PoolKeys keys, ClaimRecorded claim) {
        return redis.changes.release(keys, claim.eventId()).block();
    }

    @Test
    void handsTheReleasedItemToTheFirstWaitingClaim() {
        PoolKeys keys = redis.itemPoolWithWaitlist(fairPool("A"), 2);
        ClaimRecorded first = redis.claim(keys, "m1");
        redis.claim(keys, "m2");
        ClaimRecorded waiting1 = redis.claim(keys, "m3");
        ClaimRecorded waiting2 = redis.claim(keys, "m4");

        ReleaseAnswer answer = release(keys, first);

        assertThat(answer.code()).isEqualTo(ReleaseCode.RELEASED);
        assertThat(answer.released().claim().status()).isEqualTo(ClaimRecorded.RELEASED);
        assertThat(answer.released().claim().revision()).isEqualTo(1);
        assertThat(answer.promoted().claim().eventId()).isEqualTo(waiting1.eventId());
        assertThat(answer.promoted().claim().item()).isEqualTo("A-01");
        assertThat(answer.promoted().claim().status()).isEqualTo(ClaimRecorded.HELD);
        assertThat(answer.restocked()).isFalse();
        assertThat(redis.waiting(keys)).containsExactly(waiting2.eventId().toString());
        assertThat(redis.stock(keys)).isEmpty();
        assertThat(redis.current(keys, waiting1.eventId()).item()).isEqualTo("A-01");
    }

    @Test
    void putsTheItemBackFirstWhenNobodyWaits() {
        PoolKeys keys = redis.itemPoolWithWaitlist(fairPool("B"), 3);
        ClaimRecorded first = redis.claim(keys, "m1");

        ReleaseAnswer answer = release(keys, first);

        assertThat(answer.promoted()).isNull();
        assertThat(answer.restocked()).isTrue();
        assertThat(redis.stock(keys)).containsExactly("B-01", "B-02", "B-03");
    }

    @Test
    void releasingAWaitingClaimLeavesTheQueueInOrderAndTheItemsAlone() {
        PoolKeys keys = redis.itemPoolWithWaitlist(fairPool("C"), 1);
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded w1 = redis.claim(keys, "m2");
        ClaimRecorded w2 = redis.claim(keys, "m3");
        ClaimRecorded w3 = redis.claim(keys, "m4");

        ReleaseAnswer answer = release(keys, w2);

        assertThat(answer.code()).isEqualTo(ReleaseCode.RELEASED);
        assertThat(answer.promoted()).isNull();
        assertThat(redis.waiting(keys)).containsExactly(w1.eventId().toString(), w3.eventId().toString());
        assertThat(redis.current(keys, holder.eventId()).item()).isEqualTo("C-01");
    }

    @Test
    void releasingTwiceAnswersAlreadyAndChangesNothing() {
        PoolKeys keys = redis.itemPoolWithWaitlist(fairPool("D"), 1);
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded waiting = redis.claim(keys, "m2");
        release(keys, holder);

        ReleaseAnswer again = release(keys, holder);

        assertThat(again.code()).isEqualTo(ReleaseCode.ALREADY);
        assertThat(again.promoted()).isNull();
        assertThat(redis.current(keys, waiting.eventId()).item()).isEqualTo("D-01");
        assertThat(redis.stock(keys)).isEmpty();
    }

    @Test
    void refusesAnUnknownClaimAndAClaimOfAnotherPool() {
        PoolRef food = fairPool("FOOD");
        PoolKeys keys = redis.itemPoolWithWaitlist(food, 1);
        PoolKeys crafts = redis.itemPoolWithWaitlist(new PoolRef("f", food.scope(), "CRAFT"), 1);
        ClaimRecorded holder = redis.claim(keys, "m1");

        assertThat(redis.changes.release(keys, UUID.randomUUID()).block().code()).isEqualTo(ReleaseCode.UNKNOWN);
        assertThat(release(crafts, holder).code()).isEqualTo(ReleaseCode.WRONG_POOL);
        assertThat(redis.current(keys, holder.eventId()).status()).isEqualTo(ClaimRecorded.HELD);
    }

    @Test
    void aReleasedActorMayClaimAgainInTheScope() {
        PoolKeys keys = redis.itemPoolWithWaitlist(fairPool("E"), 2);
        ClaimRecorded first = redis.claim(keys, "m1");
        release(keys, first);

        ClaimRecorded second = redis.claim(keys, "m1");

        assertThat(second).isNotNull();
        assertThat(second.item()).isEqualTo("E-01");
    }

    @Test
    void writesEveryChangeToTheOutboxAndForgetsOnlyTheAcknowledgedVersion() {
        PoolKeys keys = redis.itemPoolWithWaitlist(fairPool("F"), 1);
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded waiting = redis.claim(keys, "m2");
        ReleaseAnswer answer = release(keys, holder);
        assertThat(redis.outbox(keys)).containsOnlyKeys(holder.eventId().toString(), waiting.eventId().toString());

        boolean staleForgotten = redis.changes.forget(keys, holder.eventId().toString(), "{\"older\":true}").block();
        boolean forgotten = redis.changes.forget(keys, holder.eventId().toString(), answer.released().json()).block();

        assertThat(staleForgotten).isFalse();
        assertThat(forgotten).isTrue();
        assertThat(redis.outbox(keys)).containsOnlyKeys(waiting.eventId().toString());
    }

    /**
     * Releases of every first holder race fresh claims: whatever the interleaving, each item ends with
     * exactly one holder or in the stock, and no item is free while someone waits.
     */
    @Test
    void concurrentReleasesAndClaimsNeverLoseOrDoubleAnItem() {
        int items = 5;
        PoolKeys keys = redis.itemPoolWithWaitlist(fairPool("G"), items);
        List<ClaimRecorded> first = IntStream.range(0, 20).mapToObj(i -> redis.claim(keys, "first-" + i)).toList();
        List<Mono<?>> work = new ArrayList<>();
        first.forEach(claim -> work.add(redis.changes.release(keys, claim.eventId())));
        IntStream.range(0, 12).forEach(i -> work.add(Mono.fromCallable(() -> redis.claim(keys, "late-" + i))
                .subscribeOn(Schedulers.boundedElastic())));
        Collections.shuffle(work, new Random(7));

        Flux.fromIterable(work).flatMap(mono -> mono, 16).blockLast();

        List<ClaimRecorded> live = redis.currentClaims(keys).stream().filter(c -> !c.released()).toList();
        List<String> held = live.stream().filter(c -> c.status().equals(ClaimRecorded.HELD)).map(ClaimRecorded::item).toList();
        assertThat(live).hasSize(12).allMatch(c -> c.actorId().startsWith("late-"));
        assertThat(new HashSet<>(held)).hasSameSizeAs(held);
        assertThat(held.size() + redis.stock(keys).size()).isEqualTo(items);
        assertThat(held).hasSize(items);
        assertThat(redis.stock(keys)).isEmpty();
        assertThat(redis.waiting(keys)).hasSize(12 - items);
    }
}
