package org.fairrush.rush.lua;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Offers;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.lua.OfferScript.Action;
import org.fairrush.rush.lua.OfferScript.Answer;
import org.fairrush.rush.lua.OfferScript.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** offer.lua against a real Redis: each waiting-list offer transition in one step, and none twice under concurrency. */
class OfferScriptTest {

    private static final Duration HOLD = Duration.ofHours(24);
    private static final Instant NOW = Instant.now();

    static ScriptRedis redis;
    static OfferScript offers;

    @BeforeAll
    static void connect() {
        redis = new ScriptRedis();
        offers = new OfferScript(redis.redis, redis.codec);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    private static PoolKeys fairWithOneStall(String pool) {
        return redis.itemPoolWithWaitlist(new PoolRef("f", UUID.randomUUID().toString(), pool), 1);
    }

    private static Answer run(PoolKeys keys, Action action, ClaimRecorded claim, Instant at) {
        return offers.run(keys, action, claim.eventId(), at, HOLD).block();
    }

    private static List<String> openOffers(PoolKeys keys) {
        return redis.redis.opsForZSet().range(keys.offers(), org.springframework.data.domain.Range.unbounded()).collectList().block();
    }

    @Test
    void releasingAHeldStallOffersItToTheFirstInLineUntilTheHoldEnds() {
        PoolKeys keys = fairWithOneStall("A");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded first = redis.claim(keys, "m2");
        ClaimRecorded second = redis.claim(keys, "m3");

        Answer answer = run(keys, Action.RELEASE, holder, NOW);

        assertThat(answer.code()).isEqualTo(Code.DONE);
        assertThat(answer.claim().status()).isEqualTo(ClaimRecorded.RELEASED);
        assertThat(answer.claim().attributes()).doesNotContainKey(Offers.OUTCOME);
        assertThat(answer.offered().eventId()).isEqualTo(first.eventId());
        assertThat(answer.offered().status()).isEqualTo(ClaimRecorded.OFFERED);
        assertThat(answer.offered().item()).isEqualTo("A-01");
        assertThat(Offers.expiresAt(answer.offered())).contains(NOW.plus(HOLD).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(openOffers(keys)).containsExactly(first.eventId().toString());
        assertThat(redis.waiting(keys)).containsExactly(second.eventId().toString());
        assertThat(redis.outbox(keys)).containsOnlyKeys(holder.eventId().toString(), first.eventId().toString());
    }

    @Test
    void acceptingMakesTheOfferHeldAndAgainChangesNothing() {
        PoolKeys keys = fairWithOneStall("B");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded waiting = redis.claim(keys, "m2");
        run(keys, Action.RELEASE, holder, NOW);

        Answer accepted = run(keys, Action.ACCEPT, waiting, NOW.plusSeconds(60));
        Answer again = run(keys, Action.ACCEPT, waiting, NOW.plusSeconds(61));

        assertThat(accepted.code()).isEqualTo(Code.DONE);
        assertThat(accepted.claim().status()).isEqualTo(ClaimRecorded.HELD);
        assertThat(accepted.claim().item()).isEqualTo("B-01");
        assertThat(accepted.claim().attributes()).doesNotContainKey(Offers.EXPIRES_AT);
        assertThat(again.code()).isEqualTo(Code.ALREADY);
        assertThat(again.claim().revision()).isEqualTo(accepted.claim().revision());
        assertThat(openOffers(keys)).isEmpty();
    }

    @Test
    void decliningPassesTheOfferToTheNextInLine() {
        PoolKeys keys = fairWithOneStall("C");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded first = redis.claim(keys, "m2");
        ClaimRecorded second = redis.claim(keys, "m3");
        run(keys, Action.RELEASE, holder, NOW);

        Answer declined = run(keys, Action.DECLINE, first, NOW.plusSeconds(60));

        assertThat(declined.code()).isEqualTo(Code.DONE);
        assertThat(declined.claim().status()).isEqualTo(ClaimRecorded.RELEASED);
        assertThat(declined.claim().attributes()).containsEntry(Offers.OUTCOME, Offers.DECLINED);
        assertThat(declined.offered().eventId()).isEqualTo(second.eventId());
        assertThat(declined.offered().item()).isEqualTo("C-01");
        assertThat(Offers.expiresAt(declined.offered())).contains(NOW.plusSeconds(60).plus(HOLD).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(openOffers(keys)).containsExactly(second.eventId().toString());
        assertThat(redis.fixture.redis.opsForHash().get(keys.holders(), "m2").block()).isNull();
        assertThat(run(keys, Action.DECLINE, first, NOW.plusSeconds(61)).code()).isEqualTo(Code.ALREADY);
    }

    @Test
    void theLastDeclinePutsTheStallBackAtTheHeadOfTheStock() {
        PoolKeys keys = fairWithOneStall("D");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded waiting = redis.claim(keys, "m2");
        run(keys, Action.RELEASE, holder, NOW);

        Answer declined = run(keys, Action.DECLINE, waiting, NOW);

        assertThat(declined.offered()).isNull();
        assertThat(declined.restocked()).isTrue();
        assertThat(redis.stock(keys)).containsExactly("D-01");
    }

    @Test
    void anOfferExpiresOnlyOnceItsTimeHasPassedByTheCallersClock() {
        PoolKeys keys = fairWithOneStall("E");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded first = redis.claim(keys, "m2");
        ClaimRecorded second = redis.claim(keys, "m3");
        run(keys, Action.RELEASE, holder, NOW);

        Answer early = run(keys, Action.EXPIRE, first, NOW.plus(HOLD).minusMillis(1));
        Answer due = run(keys, Action.EXPIRE, first, NOW.plus(HOLD));

        assertThat(early.code()).isEqualTo(Code.NOT_DUE);
        assertThat(due.code()).isEqualTo(Code.DONE);
        assertThat(due.claim().attributes()).containsEntry(Offers.OUTCOME, Offers.EXPIRED);
        assertThat(due.offered().eventId()).isEqualTo(second.eventId());
        assertThat(run(keys, Action.EXPIRE, first, NOW.plus(HOLD)).code()).as("expired before").isEqualTo(Code.NOT_OFFERED);
    }

    @Test
    void acceptingOrDecliningTooLateExpiresTheOfferInstead() {
        PoolKeys keys = fairWithOneStall("F");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded first = redis.claim(keys, "m2");
        ClaimRecorded second = redis.claim(keys, "m3");
        run(keys, Action.RELEASE, holder, NOW);

        Answer late = run(keys, Action.ACCEPT, first, NOW.plus(HOLD));
        Answer lateDecline = run(keys, Action.DECLINE, second, NOW.plus(HOLD).plus(HOLD));

        assertThat(late.code()).isEqualTo(Code.EXPIRED);
        assertThat(late.claim().attributes()).containsEntry(Offers.OUTCOME, Offers.EXPIRED);
        assertThat(late.offered().eventId()).isEqualTo(second.eventId());
        assertThat(lateDecline.code()).isEqualTo(Code.EXPIRED);
        assertThat(lateDecline.claim().attributes()).containsEntry(Offers.OUTCOME, Offers.EXPIRED);
        assertThat(redis.stock(keys)).containsExactly("F-01");
    }

    @Test
    void refusesToAcceptAClaimThatIsNoOpenOffer() {
        PoolKeys keys = fairWithOneStall("G");
        redis.claim(keys, "m1");
        ClaimRecorded waiting = redis.claim(keys, "m2");

        Answer answer = run(keys, Action.ACCEPT, waiting, NOW);

        assertThat(answer.code()).isEqualTo(Code.NOT_OFFERED);
        assertThat(answer.claim().status()).isEqualTo(ClaimRecorded.WAITING);
        assertThat(offers.run(keys, Action.ACCEPT, UUID.randomUUID(), NOW, HOLD).block().code()).isEqualTo(Code.UNKNOWN);
    }

    @Test
    void leavingTheLineKeepsTheOrderOfTheOthersAndTheOfferAlone() {
        PoolKeys keys = fairWithOneStall("H");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded offered = redis.claim(keys, "m2");
        ClaimRecorded w1 = redis.claim(keys, "m3");
        ClaimRecorded w2 = redis.claim(keys, "m4");
        ClaimRecorded w3 = redis.claim(keys, "m5");
        run(keys, Action.RELEASE, holder, NOW);

        Answer left = run(keys, Action.RELEASE, w2, NOW);

        assertThat(left.code()).isEqualTo(Code.DONE);
        assertThat(left.offered()).isNull();
        assertThat(redis.waiting(keys)).containsExactly(w1.eventId().toString(), w3.eventId().toString());
        assertThat(redis.current(keys, offered.eventId()).status()).isEqualTo(ClaimRecorded.OFFERED);
    }

    @Test
    void anExpiryWaitsWhileThePoolIsPaused() {
        PoolKeys keys = fairWithOneStall("I");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded waiting = redis.claim(keys, "m2");
        run(keys, Action.RELEASE, holder, NOW);
        redis.redis.opsForHash().put(keys.meta(), "paused", "1").block();

        assertThat(run(keys, Action.EXPIRE, waiting, NOW.plus(HOLD)).code()).isEqualTo(Code.PAUSED);
        assertThat(redis.current(keys, waiting.eventId()).status()).isEqualTo(ClaimRecorded.OFFERED);
    }

    /** Several instances expire the same due offer at once: exactly one expiry, one next offer. */
    @Test
    void concurrentExpiriesOfOneOfferMakeOneTransition() {
        PoolKeys keys = fairWithOneStall("J");
        ClaimRecorded holder = redis.claim(keys, "m1");
        ClaimRecorded offered = redis.claim(keys, "m2");
        IntStream.range(0, 5).forEach(i -> redis.claim(keys, "w" + i));
        run(keys, Action.RELEASE, holder, NOW);

        List<Answer> answers = Flux.range(0, 16)
                .flatMap(i -> offers.run(keys, Action.EXPIRE, offered.eventId(), NOW.plus(HOLD), HOLD), 16)
                .collectList().block();

        assertThat(answers.stream().filter(a -> a.code() == Code.DONE)).hasSize(1);
        assertThat(answers.stream().filter(a -> a.code() == Code.NOT_OFFERED)).hasSize(15);
        assertThat(redis.currentClaims(keys).stream().filter(c -> ClaimRecorded.OFFERED.equals(c.status()))).hasSize(1);
        assertThat(redis.waiting(keys)).hasSize(4);
    }

    /**
     * Due offers expire while holders cancel, offered merchants accept or decline and waiting ones leave, all at
     * once: every stall ends with exactly one holder or offer (or in the stock with nobody waiting), each actor holds
     * at most one claim, and nothing is lost.
     */
    @Test
    void expiriesRacingCancellationsAndAnswersNeverGiveAStallTwiceNorLoseOne() {
        int stalls = 4;
        PoolKeys keys = redis.itemPoolWithWaitlist(new PoolRef("f", UUID.randomUUID().toString(), "K"), stalls);
        List<ClaimRecorded> holders = IntStream.range(0, stalls).mapToObj(i -> redis.claim(keys, "h" + i)).toList();
        List<ClaimRecorded> waiting = IntStream.range(0, 12).mapToObj(i -> redis.claim(keys, "w" + i)).toList();
        run(keys, Action.RELEASE, holders.get(0), NOW);
        run(keys, Action.RELEASE, holders.get(1), NOW);
        Instant later = NOW.plus(HOLD);
        List<Mono<Answer>> work = new ArrayList<>();
        waiting.subList(0, 2).forEach(offer -> {
            IntStream.range(0, 3).forEach(i -> work.add(offers.run(keys, Action.EXPIRE, offer.eventId(), later, HOLD)));
            work.add(offers.run(keys, Action.RELEASE, offer.eventId(), later, HOLD));
            work.add(offers.run(keys, Action.ACCEPT, offer.eventId(), later, HOLD));
        });
        holders.subList(2, 4).forEach(holder -> work.add(offers.run(keys, Action.RELEASE, holder.eventId(), later, HOLD)));
        waiting.subList(2, 12).forEach(next -> {
            work.add(offers.run(keys, Action.ACCEPT, next.eventId(), later, HOLD));
            work.add(offers.run(keys, Action.DECLINE, next.eventId(), later, HOLD));
        });
        waiting.subList(9, 12).forEach(leaving -> work.add(offers.run(keys, Action.RELEASE, leaving.eventId(), later, HOLD)));
        Collections.shuffle(work, new Random(17));

        Flux.fromIterable(work).flatMap(mono -> mono, 16).blockLast();

        List<ClaimRecorded> live = redis.currentClaims(keys).stream().filter(c -> !c.released()).toList();
        List<String> placed = live.stream().filter(c -> !c.waiting()).map(ClaimRecorded::item).toList();
        assertThat(new HashSet<>(placed)).hasSameSizeAs(placed);
        assertThat(placed.size() + redis.stock(keys).size()).isEqualTo(stalls);
        assertThat(live.stream().map(ClaimRecorded::actorId).distinct()).hasSameSizeAs(live);
        if (!redis.waiting(keys).isEmpty()) {
            assertThat(redis.stock(keys)).isEmpty();
        }
        assertThat(openOffers(keys)).containsExactlyInAnyOrderElementsOf(live.stream()
                .filter(c -> ClaimRecorded.OFFERED.equals(c.status())).map(c -> c.eventId().toString()).toList());
        long holderCount = redis.redis.opsForHash().values(keys.holders()).map(v -> Long.parseLong((String) v)).reduce(0L, Long::sum).block();
        assertThat(holderCount).isEqualTo(live.size());
    }
}
