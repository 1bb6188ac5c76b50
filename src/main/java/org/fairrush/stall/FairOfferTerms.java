package org.fairrush.stall;

import java.time.Duration;

import org.fairrush.rush.OfferTerms;
import org.fairrush.rush.PoolRef;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Tells the engine's offer expiry how long a fair's offers hold: the fair's waitlist.holdFor (OFFER fairs only). */
@Component
class FairOfferTerms implements OfferTerms {

    private final Fairs fairs;

    FairOfferTerms(Fairs fairs) {
        this.fairs = fairs;
    }

    @Override
    public String kind() {
        return Fairs.KIND;
    }

    @Override
    public Mono<Duration> holdFor(PoolRef pool) {
        return fairs.find(Long.parseLong(pool.scope())).filter(fair -> fair.waitlist().offers()).map(fair -> fair.waitlist().holdFor());
    }
}
