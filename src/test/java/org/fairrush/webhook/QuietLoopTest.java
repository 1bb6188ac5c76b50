package org.fairrush.webhook;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/** The polling loop of the outbox relay and the delivery dispatcher, on virtual time (nothing here waits). */
class QuietLoopTest {

    private VirtualTimeScheduler time;

    @BeforeEach
    void virtualTime() {
        time = VirtualTimeScheduler.getOrSet();
    }

    @AfterEach
    void realTime() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void looksOncePerIntervalAndGoesOnAfterFailures() {
        AtomicInteger looks = new AtomicInteger();
        Disposable loop = QuietLoop.every(Duration.ofSeconds(1), () -> Mono.defer(() -> looks.incrementAndGet() <= 2
                ? Mono.error(new IllegalStateException("database gone")) : Mono.empty()), "looking", LoggerFactory.getLogger(getClass()));

        time.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(looks).as("two failed looks stopped nothing").hasValue(5);

        loop.dispose();
        time.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(looks).as("a stopped loop looks no more").hasValue(5);
    }

    @Test
    void neverRunsTwoLooksAtOnceWhenALookOutlastsTheInterval() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger looks = new AtomicInteger();
        Disposable loop = QuietLoop.every(Duration.ofSeconds(1), () -> Mono.defer(() -> {
            looks.incrementAndGet();
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            return Mono.delay(Duration.ofMillis(2_500)).doOnTerminate(running::decrementAndGet).then();
        }), "looking", LoggerFactory.getLogger(getClass()));

        time.advanceTimeBy(Duration.ofSeconds(20));
        loop.dispose();

        assertThat(most).hasValue(1);
        assertThat(looks.get()).as("ticks that came during a look were dropped, not queued up").isBetween(6, 9);
    }
}
