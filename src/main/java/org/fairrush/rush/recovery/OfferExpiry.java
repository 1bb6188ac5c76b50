package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Leases;
import org.fairrush.rush.OfferOutcome;
import org.fairrush.rush.OfferTerms;
import org.fairrush.rush.Offers;
import org.fairrush.rush.PeriodicPass;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.lua.PoolKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Expires waiting-list offers whose time has passed by the server's clock ({@link Offers}), on every instance once
 * per {@code interval}: for each live scope of a kind that offers, the offers due (the scope's index of open offers),
 * each expired in one step of offer.lua and its unit offered to the next in line. One instance works on a scope at a
 * time, the holder of the scope's lease ({@link Leases}); should two ever expire the same offer, offer.lua refuses
 * the second (the claim is no open offer any more), so an offer expires exactly once. A pass over a scope is cut
 * short after {@code 2 x interval}, within the lease; what it did not finish waits for the next pass.
 */
public final class OfferExpiry extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(OfferExpiry.class);
    /** Most offers expired per scope and pass; the rest wait for the next pass. */
    private static final int BATCH = 100;

    private final PoolRegistry registry;
    private final PoolQueries queries;
    private final Offers offers;
    private final Map<String, OfferTerms> terms;
    private final Leases leases;
    private final Clock clock;
    private final String keyPrefix;
    private final Duration interval;

    public OfferExpiry(PoolRegistry registry, PoolQueries queries, Offers offers, List<OfferTerms> terms, Leases leases, Clock clock,
            String keyPrefix, Duration interval) {
        super("expiring offers", interval);
        this.registry = registry;
        this.queries = queries;
        this.offers = offers;
        this.terms = terms.stream().collect(Collectors.toMap(OfferTerms::kind, Function.identity()));
        this.leases = leases;
        this.clock = clock;
        this.keyPrefix = keyPrefix;
        this.interval = interval;
    }

    @Override
    protected Mono<Long> onePass() {
        return registry.pools()
                .filter(pool -> terms.containsKey(pool.kind()))
                .map(PoolRef::scopeRef)
                .distinct()
                .concatMap(this::expireDue)
                .reduce(0L, Long::sum);
    }

    /** Expires the scope's due offers if this instance holds its lease; emits how many expired. */
    private Mono<Long> expireDue(PoolRef scope) {
        return leases.hold(new PoolKeys(keyPrefix, scope).offerExpiryLease(), interval.multipliedBy(3))
                .filter(Boolean::booleanValue)
                .flatMap(leased -> offers.due(scope, clock.instant(), BATCH)
                        .concatMap(claimId -> expire(scope, claimId))
                        .reduce(0L, Long::sum)
                        .timeout(interval.multipliedBy(2), Mono.fromRunnable(() ->
                                log.warn("expiring offers of {} took longer than its lease allows; the rest waits", scope.scopeTag()))))
                .defaultIfEmpty(0L);
    }

    private Mono<Long> expire(PoolRef scope, UUID claimId) {
        return queries.findClaim(scope, claimId).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(found -> found.isEmpty()
                        // Released and stored meanwhile (Redis forgot the claim): nothing left to expire.
                        ? offers.forgetDue(scope, claimId).thenReturn(0L)
                        : expire(found.get()).defaultIfEmpty(0L));
    }

    private Mono<Long> expire(ClaimRecorded claim) {
        return terms.get(claim.kind()).holdFor(claim.poolRef())
                .flatMap(holdFor -> offers.expire(claim.poolRef(), claim.eventId(), holdFor))
                .map(outcome -> {
                    if (outcome instanceof OfferOutcome.Busy busy) {
                        log.warn("expiry of offer {} of {} recorded, not yet acknowledged: {}", claim.eventId(), claim.scope(), busy.why());
                    }
                    return outcome instanceof OfferOutcome.Changed || outcome instanceof OfferOutcome.Busy ? 1L : 0L;
                });
    }
}
