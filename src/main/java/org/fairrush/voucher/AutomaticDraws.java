package org.fairrush.voucher;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Draws the randomized openings whose seed the service generated, once their result is due: every instance looks each
 * second. Several instances drawing the same opening at once is safe: the draw is a pure function of the seed and the
 * stored entries, the published draw is stored once (the others read it), and the grant in Redis is one atomic step that
 * runs once ({@code grant-in-order.lua}); so exactly one draw happens.
 */
@Component
class AutomaticDraws implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AutomaticDraws.class);
    static final Duration EVERY = Duration.ofSeconds(1);

    private final Openings openings;
    private final CampaignDrawing drawing;
    private final Clock clock;
    private Disposable running;

    AutomaticDraws(Openings openings, CampaignDrawing drawing, Clock clock) {
        this.openings = openings;
        this.drawing = drawing;
        this.clock = clock;
    }

    /** One look for due draws, as the timer and the tests call it; emits the outcome of each draw it tried. */
    Flux<CampaignDrawing.Outcome> onePass() {
        return openings.dueForTheirOwnDraw(clock.instant())
                .concatMap(opening -> drawing.draw(opening.campaignId(), opening.generatedSeed())
                        .onErrorResume(failure -> {
                            log.warn("automatic draw of campaign {} failed, retried next pass: {}", opening.campaignId(), failure.toString());
                            return Mono.empty();
                        }));
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        running = Flux.interval(EVERY, EVERY).onBackpressureDrop()
                .concatMap(tick -> onePass().onErrorResume(failure -> {
                    log.warn("looking for due draws failed: {}", failure.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
