package org.fairrush.voucher;

import java.time.Clock;
import java.time.Duration;

import org.fairrush.rush.PeriodicPass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Draws the randomized openings whose seed the service generated, once their result is due: every instance looks each
 * second. Several instances drawing the same opening at once is safe: the draw is a pure function of the seed and the
 * stored entries, the published draw is stored once (the others read it), and the grant in Redis is one atomic step that
 * runs once ({@code grant-in-order.lua}); so exactly one draw happens.
 */
@Component
class AutomaticDraws extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(AutomaticDraws.class);
    static final Duration EVERY = Duration.ofSeconds(1);

    private final Openings openings;
    private final CampaignDrawing drawing;
    private final Clock clock;

    AutomaticDraws(Openings openings, CampaignDrawing drawing, Clock clock) {
        super("automatic draws", EVERY);
        this.openings = openings;
        this.drawing = drawing;
        this.clock = clock;
    }

    /** One look for due draws, as the timer and the tests call it; completes once each due draw was tried. */
    @Override
    protected Mono<Void> onePass() {
        return openings.dueForTheirOwnDraw(clock.instant())
                .concatMap(opening -> drawing.draw(opening.campaignId(), opening.generatedSeed())
                        .onErrorResume(failure -> {
                            log.warn("automatic draw of campaign {} failed, retried next pass: {}", opening.campaignId(), failure.toString());
                            return Mono.empty();
                        }))
                .then();
    }
}
