package org.fairrush.rush.lua;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The folding itself, with calls answered by the test: what each item hears when its call answers too few, nothing
 * or in time. The Redis callers' behaviour is in {@code AcknowledgementsTest} and web's {@code SharedBucketsTest}.
 */
class FoldedCallsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Calls held open until the test answers them, so that items arriving meanwhile fold into the next one. */
    private final List<List<String>> calls = new ArrayList<>();
    private final List<Sinks.One<List<String>>> replies = new ArrayList<>();

    private final FoldedCalls<String, String, String> folded = new FoldedCalls<>((key, items) -> {
        Sinks.One<List<String>> reply = Sinks.one();
        synchronized (calls) {
            calls.add(List.copyOf(items));
            replies.add(reply);
        }
        return reply.asMono();
    });

    @Test
    void itemsArrivingWhileACallIsOnItsWayGoTogetherInTheNextAndEachHearsItsOwnAnswer() {
        Mono<String> first = folded.add("k", "a").cache();
        first.subscribe();
        Mono<String> second = folded.add("k", "b").cache();
        second.subscribe();
        Mono<String> third = folded.add("k", "c").cache();
        third.subscribe();

        replies.get(0).tryEmitValue(List.of("A"));
        replies.get(1).tryEmitValue(List.of("B", "C"));

        assertThat(calls).containsExactly(List.of("a"), List.of("b", "c"));
        StepVerifier.create(first).expectNext("A").verifyComplete();
        StepVerifier.create(second).expectNext("B").verifyComplete();
        StepVerifier.create(third).expectNext("C").verifyComplete();
    }

    @Test
    void aCallAnsweringFewerAnswersThanItemsFailsEveryItemItCarried() {
        Mono<String> first = folded.add("k", "a").cache();
        first.subscribe(ignored -> { }, ignored -> { });
        Mono<String> second = folded.add("k", "b").cache();
        second.subscribe(ignored -> { }, ignored -> { });
        Mono<String> third = folded.add("k", "c").cache();
        third.subscribe(ignored -> { }, ignored -> { });

        replies.get(0).tryEmitValue(List.of("A"));
        replies.get(1).tryEmitValue(List.of("B"));

        StepVerifier.create(first).expectNext("A").verifyComplete();
        StepVerifier.create(second).expectErrorMessage("a folded call did not answer each of its 2 items").verify(WAIT);
        StepVerifier.create(third).expectErrorMessage("a folded call did not answer each of its 2 items").verify(WAIT);
    }

    @Test
    void aCallAnsweringNothingFailsItsItemAndTheKeyAnswersAfterwards() {
        Mono<String> lost = folded.add("k", "a").cache();
        lost.subscribe(ignored -> { }, ignored -> { });
        replies.get(0).tryEmitEmpty();

        StepVerifier.create(lost).expectErrorMessage("a folded call did not answer each of its 1 items").verify(WAIT);

        Mono<String> after = folded.add("k", "b").cache();
        after.subscribe();
        replies.get(1).tryEmitValue(List.of("B"));
        StepVerifier.create(after).expectNext("B").verifyComplete();
        assertThat(calls).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void aFailedCallFailsItsItemsWithItsFailure() {
        Mono<String> first = folded.add("k", "a").cache();
        first.subscribe(ignored -> { }, ignored -> { });

        replies.get(0).tryEmitError(new IllegalStateException("Redis is gone"));

        StepVerifier.create(first).expectErrorMessage("Redis is gone").verify(WAIT);
    }

    @Test
    void itemsOfOtherKeysDoNotWaitForEachOther() {
        folded.add("k", "a").subscribe();
        folded.add("other", "b").subscribe();

        assertThat(calls).containsExactly(List.of("a"), List.of("b"));
    }
}
