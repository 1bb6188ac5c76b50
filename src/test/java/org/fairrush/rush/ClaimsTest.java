package org.fairrush.rush;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.ClaimOutcome.Busy;
import org.fairrush.rush.ClaimOutcome.Granted;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.rush.ClaimOutcome.Refused;
import org.fairrush.rush.ClaimOutcome.Waitlisted;
import org.fairrush.rush.lua.PoolKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine on a real Redis with a stand-in for the Kafka port, to pin down what it does when the log
 * acknowledges or refuses an event (the real broker's refusal is covered by KafkaOutageTest).
 */
class ClaimsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");

    private RedisFixture fixture;
    private SoldOutBoard soldOut;
    private final PoolRef pool = PoolRef.single("c", "5");

    @BeforeEach
    void setUp() {
        fixture = RedisFixture.create();
        soldOut = new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** A stand-in for the Kafka port that answers each publish as {@code answer} says. */
    private static ClaimPublisher log(java.util.function.Function<ClaimRecorded, Mono<Void>> answer) {
        return new ClaimPublisher() {
            @Override
            public Mono<Void> publish(ClaimRecorded claim) {
                return answer.apply(claim);
            }

            @Override
            public Mono<Void> deadLetter(DeadLetter letter) {
                return Mono.empty();
            }
        };
    }

    private TestEngine engine(ClaimPublisher publisher) {
        TestEngine engine = TestEngine.of(fixture.redis, fixture.codec, publisher, soldOut,
                Clock.fixed(NOW, ZoneOffset.UTC), fixture.properties);
        engine.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 2)).block();
        return engine;
    }

    @Test
    void grantsOnlyAfterTheLogAcknowledged() {
        TestEngine engine = engine(log(claim -> Mono.empty()));

        StepVerifier.create(engine.claims().claim(pool, "m-1", "key-00001", Map.of()))
                .assertNext(outcome -> assertThat(outcome).isInstanceOf(Granted.class))
                .verifyComplete();
        assertThat(engine.queries().remaining(pool).block()).isEqualTo(1);
    }

    @Test
    void replayOfAnAcknowledgedClaimIsGrantedAgain() {
        TestEngine engine = engine(log(claim -> Mono.empty()));
        Granted first = (Granted) engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();

        StepVerifier.create(engine.claims().claim(pool, "m-1", "key-00001", Map.of()))
                .assertNext(outcome -> {
                    assertThat(outcome).isInstanceOf(Granted.class);
                    assertThat(((Granted) outcome).replayed()).isTrue();
                    assertThat(((Granted) outcome).claim()).isEqualTo(first.claim());
                })
                .verifyComplete();
    }

    @Test
    void theSweeperLooksOnlyAtClaimsNotYetAcknowledged() {
        TestEngine engine = engine(log(claim -> claim.actorId().equals("m-2")
                ? Mono.never()
                : Mono.empty()));
        engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();
        engine.claims().claim(pool, "m-2", "key-00002", Map.of()).subscribe();

        PoolKeys keys = fixture.keys(pool);
        org.awaitility.Awaitility.await().until(() -> fixture.redis.opsForZSet().size(keys.unsent()).block() == 1);
        assertThat(engine.queries().unsentClaims(pool, NOW.plusSeconds(1), 10).map(ClaimRecorded::actorId).collectList().block())
                .as("the acknowledged claim left the sweeper's index; the one still waiting for Kafka is in it")
                .containsExactly("m-2");
        assertThat(engine.queries().pendingCount(pool).block()).isEqualTo(2);
    }

    @Test
    void keysOfTwoActorsNeverMeetWhateverTheirIdsHold() {
        TestEngine engine = engine(log(claim -> Mono.empty()));

        Granted first = (Granted) engine.claims().claim(pool, "a:b", "cdefghij", Map.of()).block();
        ClaimOutcome second = engine.claims().claim(pool, "a", "b:cdefghij", Map.of()).block();

        assertThat(second).isInstanceOfSatisfying(Granted.class, granted -> {
            assertThat(granted.replayed()).as("another actor's key is not a replay").isFalse();
            assertThat(granted.claim().eventId()).isNotEqualTo(first.claim().eventId());
            assertThat(granted.claim().actorId()).isEqualTo("a");
        });
        assertThat(engine.queries().remaining(pool).block()).isZero();
    }

    @Test
    void aRetryWhileTheFirstRequestIsStillOnItsWayIsRefusedAsInProgress() {
        TestEngine engine = engine(log(claim -> Mono.never()));
        engine.claims().claim(pool, "m-1", "key-00001", Map.of()).subscribe();
        org.awaitility.Awaitility.await().until(() -> engine.queries().pendingCount(pool).block() == 1);

        StepVerifier.create(engine.claims().claim(pool, "m-1", "key-00001", Map.of()))
                .assertNext(outcome -> assertThat(outcome).isEqualTo(new Refused(Refusal.IN_PROGRESS)))
                .verifyComplete();
        assertThat(engine.queries().remaining(pool).block()).as("the retry took nothing").isEqualTo(1);
    }

    @Test
    void reversesAndAnswersBusyWhenTheLogRefuses() {
        TestEngine engine = engine(log(claim -> Mono.error(new IllegalStateException("broker gone"))));

        StepVerifier.create(engine.claims().claim(pool, "m-1", "key-00001", Map.of()))
                .assertNext(outcome -> assertThat(outcome).isInstanceOf(Busy.class))
                .verifyComplete();
        assertThat(engine.queries().remaining(pool).block()).isEqualTo(2);
        assertThat(engine.queries().pendingCount(pool).block()).isZero();
    }

    @Test
    void answersSoldOutFromMemoryOnceThePoolIsEmpty() {
        TestEngine engine = engine(log(claim -> Mono.empty()));
        engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();
        engine.claims().claim(pool, "m-2", "key-00002", Map.of()).block();
        assertThat(soldOut.isSoldOut(pool)).isTrue();

        StepVerifier.create(engine.claims().claim(pool, "m-3", "key-00003", Map.of()))
                .expectNext(new Refused(Refusal.SOLD_OUT))
                .verifyComplete();
    }

    @Test
    void aSoldOutPoolStillAnswersAReplay() {
        TestEngine engine = engine(log(claim -> Mono.empty()));
        engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();
        engine.claims().claim(pool, "m-2", "key-00002", Map.of()).block();

        StepVerifier.create(engine.claims().claim(pool, "m-2", "key-00002", Map.of()))
                .assertNext(outcome -> assertThat(outcome).isInstanceOf(Granted.class))
                .verifyComplete();
    }

    @Test
    void aReversedUnitClearsTheSoldOutMark() {
        TestEngine engine = engine(log(claim -> claim.actorId().equals("m-2")
                ? Mono.error(new IllegalStateException("broker gone"))
                : Mono.empty()));
        engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();

        ClaimOutcome lastUnit = engine.claims().claim(pool, "m-2", "key-00002", Map.of()).block();

        assertThat(lastUnit).isInstanceOf(Busy.class);
        assertThat(soldOut.isSoldOut(pool)).isFalse();
        assertThat(engine.claims().claim(pool, "m-3", "key-00003", Map.of()).block()).isInstanceOf(Granted.class);
    }

    /**
     * A pool with a waiting list (a first-come fair's category): a stall's claim that Kafka has not taken in time must not
     * give its stall back while a later merchant waits (the stall would sit free, or go to whoever asks next, ahead of
     * the waiting list: seen in the fleet's stall rush). The claim keeps its stall and its place, pending, for the
     * sweeper to publish; the merchant is answered busy, and a retry with the same key is in progress until then.
     */
    @Test
    void aClaimOfAPoolWithAWaitingListKeepsItsUnitWhenTheLogIsSlow() {
        PoolRef stalls = new PoolRef("f", "9", "FOOD");
        Sinks.Empty<Void> firstSend = Sinks.empty();
        TestEngine engine = oneStallWithAWaitingList(stalls, firstSend);

        Mono<ClaimOutcome> first = engine.claims().claim(stalls, "m-1", "key-00001", Map.of()).cache();
        first.subscribe();
        org.awaitility.Awaitility.await().until(() -> engine.queries().pendingCount(stalls).block() == 1);
        ClaimOutcome second = engine.claims().claim(stalls, "m-2", "key-00002", Map.of()).block();
        assertThat(second).as("the one stall is held by m-1's claim").isInstanceOf(Waitlisted.class);
        firstSend.tryEmitError(new IllegalStateException("broker gone"));

        assertThat(first.block()).isInstanceOf(Busy.class);
        assertThat(engine.queries().remaining(stalls).block()).as("no stall free while m-2 waits").isZero();
        assertThat(engine.queries().waitingCount(stalls).block()).isEqualTo(1);
        assertThat(engine.queries().unsentClaims(stalls, NOW.plusSeconds(60), 10).map(ClaimRecorded::actorId).collectList().block())
                .as("m-1's claim is left for the sweeper to publish").containsExactly("m-1");
        assertThat(engine.claims().claim(stalls, "m-1", "key-00001", Map.of()).block()).isEqualTo(new Refused(Refusal.IN_PROGRESS));
    }

    /** An engine with one stall of {@code stalls} and a waiting list, whose log takes m-1's claim when {@code firstSend} ends. */
    private TestEngine oneStallWithAWaitingList(PoolRef stalls, Sinks.Empty<Void> firstSend) {
        TestEngine engine = engine(log(claim -> claim.actorId().equals("m-1") ? firstSend.asMono() : Mono.empty()));
        engine.registry().define(new PoolDefinition(stalls, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 1, List.of("F1"), true,
                NOW.plusSeconds(600))).block();
        return engine;
    }

    /** Kafka acknowledges the claim after its answer (busy): it is marked then, and the retry with its key gets it. */
    @Test
    void aClaimOfAPoolWithAWaitingListAcknowledgedAfterItsAnswerIsTheRetrysAnswer() {
        PoolRef stalls = new PoolRef("f", "10", "FOOD");
        Sinks.Empty<Void> firstSend = Sinks.empty();
        TestEngine engine = oneStallWithAWaitingList(stalls, firstSend);

        assertThat(engine.claims().claim(stalls, "m-1", "key-00001", Map.of()).block())
                .as("answered once the send timeout passed").isInstanceOf(Busy.class);
        assertThat(engine.claims().claim(stalls, "m-1", "key-00001", Map.of()).block()).isEqualTo(new Refused(Refusal.IN_PROGRESS));
        firstSend.tryEmitEmpty();

        org.awaitility.Awaitility.await().until(() -> engine.queries().unsentClaims(stalls, NOW.plusSeconds(60), 10).count().block() == 0);
        assertThat(engine.claims().claim(stalls, "m-1", "key-00001", Map.of()).block()).isInstanceOfSatisfying(Granted.class, granted -> {
            assertThat(granted.replayed()).isTrue();
            assertThat(granted.claim().item()).isEqualTo("F1");
        });
        assertThat(engine.queries().remaining(stalls).block()).isZero();
    }
}
