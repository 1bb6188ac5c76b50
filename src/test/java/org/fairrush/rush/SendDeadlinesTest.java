package org.fairrush.rush;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The send deadlines as Mono.timeout takes them: never early, at most a tick late, gone once the send answered. */
class SendDeadlinesTest {

    private static final Mono<Void> LATE = Mono.error(() -> new TimeoutException("late"));

    @Test
    void aSendThatNeverAnswersFailsAtItsDeadlineNotBefore() {
        long started = System.nanoTime();

        StepVerifier.create(Mono.<Void>never().timeout(SendDeadlines.after(Duration.ofMillis(300)), LATE))
                .expectErrorMessage("late").verify(Duration.ofSeconds(5));

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMillis).isGreaterThanOrEqualTo(300).isLessThan(300 + 10 * SendDeadlines.TICK_MILLIS);
    }

    @Test
    void aSendThatAnswersInTimeKeepsItsAnswerAndItsDeadlineNeverFires() {
        StepVerifier.create(Mono.just("acknowledged").delayElement(Duration.ofMillis(50))
                        .timeout(SendDeadlines.after(Duration.ofMillis(200)), Mono.error(new IllegalStateException("fired"))))
                .expectNext("acknowledged").verifyComplete();

        StepVerifier.create(Mono.<Void>empty().timeout(SendDeadlines.after(Duration.ofMillis(100)), LATE)).verifyComplete();
    }

    @Test
    void oneDeadlineServesManySendsEachFromItsOwnStart() {
        Mono<Long> deadline = SendDeadlines.after(Duration.ofMillis(200));

        StepVerifier.create(Mono.<Void>never().timeout(deadline, LATE)).expectErrorMessage("late").verify(Duration.ofSeconds(5));
        // A send that starts after the first one's deadline fired gets 200 ms of its own.
        StepVerifier.create(Mono.just("acknowledged").delayElement(Duration.ofMillis(100)).timeout(deadline, Mono.error(new IllegalStateException("fired"))))
                .expectNext("acknowledged").verifyComplete();
    }

    @Test
    void theDeadlinesOfSendsThatAnsweredLeaveTheWheel() {
        Flux.range(0, 20_000)
                .flatMap(i -> Mono.just(i).timeout(SendDeadlines.after(Duration.ofSeconds(30)), Mono.error(new IllegalStateException("fired"))))
                .blockLast(Duration.ofSeconds(10));

        // 20,000 deadlines of 30 s set and cleared: had a cleared one stayed, thousands would still be pending.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> SendDeadlines.pending() < 100);
    }

    @Test
    void aSendCancelledByItsCallerClearsItsDeadline() {
        long before = SendDeadlines.pending();
        Mono.never().timeout(SendDeadlines.after(Duration.ofSeconds(30)), Mono.empty()).subscribe().dispose();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> SendDeadlines.pending() <= before);
    }
}
