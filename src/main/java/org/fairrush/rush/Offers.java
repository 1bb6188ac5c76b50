package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.fairrush.rush.lua.OfferScript;
import org.fairrush.rush.lua.OfferScript.Action;
import org.fairrush.rush.lua.OfferScript.Answer;
import org.fairrush.rush.lua.PoolKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Waiting-list offers (docs/design.md sections 7.1 and 11): in a pool that offers, a freed unit goes to the first
 * waiting claim as {@link ClaimRecorded#OFFERED} until the time in its attribute {@value #EXPIRES_AT}; the claim's
 * actor accepts (HELD) or declines, or the offer expires, and then the unit is offered to the next in line, until
 * someone accepts or nobody waits (the unit goes back to the stock). Each transition is one step of offer.lua, its
 * changes travel to Postgres as later revisions of the whole claims (the scope's outbox, as releases do), and a
 * transition is answered only once Kafka acknowledged it. Expiry follows the server's clock: the expiry pass
 * (rush/recovery/OfferExpiry) expires due offers, and an accept or decline that comes too late expires the offer instead. A pool offers when its
 * feature releases its claims here rather than through {@link ChangeOutbox#release}.
 */
public final class Offers {

    /** Claim attribute: until when an OFFERED claim's offer holds (epoch ms); written by offer.lua. */
    public static final String EXPIRES_AT = "offerExpiresAt";
    /** Claim attribute of a RELEASED claim whose offer ended without acceptance: {@value #DECLINED} or {@value #EXPIRED}. */
    public static final String OUTCOME = "offerOutcome";
    public static final String DECLINED = "DECLINED";
    public static final String EXPIRED = "EXPIRED";

    private static final Logger log = LoggerFactory.getLogger(Offers.class);

    private final ChangeOutbox outbox;
    private final OfferScript script;
    private final ReactiveStringRedisTemplate redis;
    private final SoldOutBoard soldOut;
    private final Clock clock;
    private final String keyPrefix;

    Offers(ChangeOutbox outbox, OfferScript script, ReactiveStringRedisTemplate redis, SoldOutBoard soldOut, Clock clock, String keyPrefix) {
        this.outbox = outbox;
        this.script = script;
        this.redis = redis;
        this.soldOut = soldOut;
        this.clock = clock;
        this.keyPrefix = keyPrefix;
    }

    /** When an OFFERED claim's offer ends, or empty for a claim without an open offer. */
    public static Optional<Instant> expiresAt(ClaimRecorded claim) {
        return ClaimRecorded.OFFERED.equals(claim.status())
                ? Optional.ofNullable(claim.attributes().get(EXPIRES_AT)).map(ms -> Instant.ofEpochMilli(Long.parseLong(ms)))
                : Optional.empty();
    }

    /**
     * Releases any claim of a pool that offers (a cancellation): a waiting claim leaves the line, the others keep
     * their order; a held or offered unit is offered to the first in line for {@code holdFor}. Releasing a released
     * claim changes nothing (and publishes the scope's unacknowledged changes again).
     */
    public Mono<OfferOutcome> release(PoolRef ref, UUID claimId, Duration holdFor) {
        return transition(ref, Action.RELEASE, claimId, holdFor);
    }

    /** The offered claim's actor takes the unit: HELD. Accepting a held claim again changes nothing. */
    public Mono<OfferOutcome> accept(PoolRef ref, UUID claimId) {
        return transition(ref, Action.ACCEPT, claimId, Duration.ZERO);
    }

    /** The offered claim's actor turns it down: released, and the unit is offered to the next in line for {@code holdFor}. */
    public Mono<OfferOutcome> decline(PoolRef ref, UUID claimId, Duration holdFor) {
        return transition(ref, Action.DECLINE, claimId, holdFor);
    }

    /**
     * Ends an offer whose time has passed by the server's clock, and offers its unit to the next in line for
     * {@code holdFor}. Refused ({@link OfferOutcome.NotOffered}) when the offer was accepted, declined or expired
     * meanwhile, so two instances expiring the same offer make one transition.
     */
    public Mono<OfferOutcome> expire(PoolRef ref, UUID claimId, Duration holdFor) {
        return transition(ref, Action.EXPIRE, claimId, holdFor);
    }

    /** Up to {@code limit} open offers of a scope whose time has passed by {@code now}, earliest first. */
    public Flux<UUID> due(PoolRef scope, Instant now, int limit) {
        return redis.opsForZSet()
                .rangeByScore(keys(scope).offers(), Range.closed(0d, (double) now.toEpochMilli()), Limit.limit().count(limit))
                .map(UUID::fromString);
    }

    /** Forgets an index entry whose claim Redis no longer holds (nothing left to expire). */
    public Mono<Void> forgetDue(PoolRef scope, UUID claimId) {
        return redis.opsForZSet().remove(keys(scope).offers(), claimId.toString()).then();
    }

    private Mono<OfferOutcome> transition(PoolRef ref, Action action, UUID claimId, Duration holdFor) {
        return script.run(keys(ref), action, claimId, clock.instant(), holdFor).flatMap(answer -> switch (answer.code()) {
            case UNKNOWN, WRONG_POOL -> Mono.just(new OfferOutcome.NotFound());
            case NOT_OFFERED -> Mono.just(new OfferOutcome.NotOffered(answer.claim()));
            case NOT_DUE, PAUSED -> Mono.just(new OfferOutcome.NotDue());
            case DONE -> durable(ref, answer, new OfferOutcome.Changed(answer.claim(), offered(answer), false));
            case ALREADY -> durable(ref, answer, new OfferOutcome.Changed(answer.claim(), Optional.empty(), true));
            case EXPIRED -> durable(ref, answer, new OfferOutcome.Expired(answer.claim(), offered(answer)));
        });
    }

    private static Optional<ClaimRecorded> offered(Answer answer) {
        return Optional.ofNullable(answer.offered());
    }

    /** Answers the outcome once Kafka holds the scope's changes (this step's among them). */
    private Mono<OfferOutcome> durable(PoolRef ref, Answer answer, OfferOutcome outcome) {
        return (answer.restocked() ? soldOut.markRestocked(ref) : Mono.<Void>empty())
                .then(outbox.publishChanges(ref))
                .thenReturn(outcome)
                .onErrorResume(failure -> {
                    log.warn("offer change of claim {} not yet acknowledged by Kafka: {}", answer.claim().eventId(), failure.toString());
                    return Mono.just(new OfferOutcome.Busy("the change is recorded and still being stored; retry"));
                });
    }

    private PoolKeys keys(PoolRef ref) {
        return new PoolKeys(keyPrefix, ref);
    }
}
