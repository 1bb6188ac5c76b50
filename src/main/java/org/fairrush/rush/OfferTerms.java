package org.fairrush.rush;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Port a feature implements when some of its pools offer freed units for a while instead of handing them over
 * (see {@link Offers}): the expiry pass asks it how long the next offer of a pool holds when an offer expired.
 */
public interface OfferTerms {

    /** The kind of scope whose pools this answers for, see {@link PoolRef#kind()}. */
    String kind();

    /** How long an offer of a unit of this pool holds; empty when the pool does not offer (or is unknown). */
    Mono<Duration> holdFor(PoolRef pool);
}
