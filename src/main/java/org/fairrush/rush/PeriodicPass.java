package org.fairrush.rush;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A background job of the engine that makes one pass every {@code interval} while its application context runs
 * (the sweeper, the stranded-claims check, retirement). A lifecycle bean: a stopped (or, in tests, paused) context
 * stops its passes instead of failing them against closed connections; it starts with the persister and stops
 * before the Redis connections. A failed pass is logged and the next one runs as planned; passes never overlap
 * (one that outlasts the interval makes the next tick drop).
 */
public abstract class PeriodicPass implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicPass.class);

    /**
     * The phase of the engine's background work (these passes, the persister, the live board): started after and
     * stopped before the Redis connection factory, stopped after the web server's graceful shutdown (DEFAULT_PHASE -
     * 2048), so that no pass meets a closed connection and no request meets a stopped engine.
     */
    public static final int BACKGROUND_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final String name;
    private final Duration interval;
    private Disposable running;

    protected PeriodicPass(String name, Duration interval) {
        this.name = name;
        this.interval = interval;
    }

    /** One pass over the work, as a test calls it too. */
    protected abstract Mono<?> onePass();

    @Override
    public final synchronized void start() {
        if (isRunning()) {
            return;
        }
        running = Flux.interval(interval, interval)
                .onBackpressureDrop()
                .concatMap(tick -> onePass().onErrorResume(failure -> {
                    log.warn("{} failed: {}", name, failure.toString());
                    return Mono.empty();
                }))
                .subscribe(done -> { }, failure -> log.error("{} stopped", name, failure));
    }

    @Override
    public final synchronized void stop() {
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public final synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    @Override
    public final int getPhase() {
        return BACKGROUND_PHASE;
    }
}
