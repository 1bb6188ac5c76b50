package org.fairrush.rush;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The deadlines of the claims on their way to Kafka, as {@code Mono.timeout(deadline)} takes them (issue 13). Reactor's
 * {@code timeout(Duration)} subscribes a {@code Mono.delay}, which reads its subscriber's context as it is subscribed
 * (a walk down the whole WebFlux chain, on every grab) and schedules a task on the parallel scheduler's
 * {@code ScheduledThreadPoolExecutor} (a lock and a heap), then cancels it (the lock again): about 2 % of a grab's CPU
 * samples. A deadline here is a slot on Netty's timing wheel, set and cleared without a lock, read by one thread of its
 * own. It fires up to one tick late ({@value #TICK_MILLIS} ms), never early: a send timeout of seconds does not mind.
 */
final class SendDeadlines {

    static final long TICK_MILLIS = 50;

    /** One wheel for the JVM, as Netty advises; its thread is a daemon and starts with the first deadline. */
    private static final HashedWheelTimer WHEEL = new HashedWheelTimer(new DefaultThreadFactory("fairrush-send-deadlines", true),
            TICK_MILLIS, TimeUnit.MILLISECONDS, 256);

    private SendDeadlines() {
    }

    /**
     * Emits 0 once {@code delay} has passed since it was subscribed, and completes; cancelling it before takes the
     * deadline off the wheel. The timeout operator subscribes it as its source is subscribed and cancels it as its
     * source answers.
     */
    static Mono<Long> after(Duration delay) {
        long nanos = delay.toNanos();
        return new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super Long> actual) {
                Deadline deadline = new Deadline(actual);
                actual.onSubscribe(deadline);
                deadline.set(WHEEL.newTimeout(deadline, nanos, TimeUnit.NANOSECONDS));
            }
        };
    }

    /** Deadlines set and neither fired nor cleared yet (a cleared one leaves the wheel at its next tick). */
    static long pending() {
        return WHEEL.pendingTimeouts();
    }

    /** One deadline: it fires once, unless cancelled first. */
    private static final class Deadline implements Subscription, TimerTask {

        private final CoreSubscriber<? super Long> actual;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile Timeout slot;

        Deadline(CoreSubscriber<? super Long> actual) {
            this.actual = actual;
        }

        void set(Timeout slot) {
            this.slot = slot;
            // Cancelled while its slot was being taken: clear the slot too, rather than leave it until it fires.
            if (over.get()) {
                slot.cancel();
            }
        }

        @Override
        public void run(Timeout fired) {
            if (over.compareAndSet(false, true)) {
                actual.onNext(0L);
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            // One value, once: the timeout operator asks for all at once.
        }

        @Override
        public void cancel() {
            if (over.compareAndSet(false, true)) {
                Timeout taken = slot;
                if (taken != null) {
                    taken.cancel();
                }
            }
        }
    }
}
