package org.fairrush.webhook;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A look at the database on an interval, one at a time (a tick that comes while the last look still runs is dropped),
 * that survives its failures: it logs the first failure of an outage and the recovery after it, not every look (ten a
 * second in tests), and goes on looking.
 */
final class QuietLoop {

    private QuietLoop() {
    }

    /** @param what what the look does, for the log ("relaying the event outbox") */
    static Disposable every(Duration interval, Supplier<Mono<Void>> look, String what, Logger log) {
        AtomicBoolean failing = new AtomicBoolean();
        return Flux.interval(interval)
                .onBackpressureDrop()
                .concatMap(tick -> look.get()
                        .doOnSuccess(done -> {
                            if (failing.compareAndSet(true, false)) {
                                log.info("{} works again", what);
                            }
                        })
                        .onErrorResume(failure -> {
                            if (failing.compareAndSet(false, true)) {
                                log.warn("{} failed, retrying quietly: {}", what, failure.toString());
                            }
                            return Mono.empty();
                        }), 1)
                .subscribe();
    }
}
