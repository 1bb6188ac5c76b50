package org.fairrush.rush;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.fairrush.rush.lua.ChangeScripts;
import org.fairrush.rush.lua.ChangeScripts.Change;
import org.fairrush.rush.lua.PoolKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Changes to claims after they were made (a release, the promotion it causes, a draw's assignment): each is
 * recorded in Redis with the scope's outbox of unacknowledged changes, published to Kafka as a later revision
 * of the whole claim, and forgotten once Kafka acknowledged it. The sweeper publishes what a failed request left.
 */
public class ChangeOutbox {

    private static final Logger log = LoggerFactory.getLogger(ChangeOutbox.class);

    private final ReactiveStringRedisTemplate redis;
    private final ChangeScripts changeScripts;
    private final ClaimPublisher publisher;
    private final SoldOutBoard soldOut;
    private final String keyPrefix;
    private final Duration sendTimeout;

    ChangeOutbox(ReactiveStringRedisTemplate redis, ChangeScripts changeScripts, ClaimPublisher publisher, SoldOutBoard soldOut,
            RushProperties properties) {
        this.redis = redis;
        this.changeScripts = changeScripts;
        this.publisher = publisher;
        this.soldOut = soldOut;
        this.keyPrefix = properties.keyPrefix();
        this.sendTimeout = properties.sendTimeout();
    }

    /**
     * Releases a claim of a pool with items or a waiting list, and hands its unit at once to the first claim
     * waiting in that pool (docs/design.md section 3, invariant 4). Both changes travel to Postgres as later
     * revisions of the whole claims ({@link ClaimRecorded#revision()}), on the claim's own topic. Releasing a
     * released claim changes nothing and publishes the scope's unacknowledged changes again.
     */
    public Mono<ReleaseOutcome> release(PoolRef ref, UUID claimId) {
        PoolKeys keys = keys(ref);
        return changeScripts.release(keys, claimId).flatMap(answer -> {
            if (answer.code() == ChangeScripts.ReleaseCode.UNKNOWN || answer.code() == ChangeScripts.ReleaseCode.WRONG_POOL) {
                return Mono.just(new ReleaseOutcome.NotFound());
            }
            boolean again = answer.code() == ChangeScripts.ReleaseCode.ALREADY;
            Optional<Change> promoted = Optional.ofNullable(answer.promoted());
            Mono<Void> publish = again ? publishChanges(ref) : publishChanges(keys,
                    promoted.map(next -> List.of(answer.released(), next)).orElse(List.of(answer.released())));
            return (answer.restocked() ? soldOut.markRestocked(ref) : Mono.<Void>empty())
                    .then(publish)
                    .thenReturn((ReleaseOutcome) new ReleaseOutcome.Released(answer.released().claim(),
                            promoted.map(Change::claim), again))
                    .onErrorResume(failure -> {
                        log.warn("release of claim {} not yet acknowledged by Kafka: {}", claimId, failure.toString());
                        return Mono.just(new ClaimOutcome.Busy("the release is recorded and still being stored; retry"));
                    });
        });
    }

    /** The outcome of {@link #assignInOrder}. */
    public enum Assignment {
        /** The claims given are not exactly the pool's waiting claims; nothing changed. */
        MISMATCH,
        /** Items handed out and the changes acknowledged by Kafka. */
        ASSIGNED,
        /** The pool had been assigned before; its unacknowledged changes were published again. */
        ALREADY
    }

    /**
     * Hands a pool's items to its waiting claims in the given order (e.g. a lottery draw's): the first
     * claims become HELD with the items in turn, the rest keep waiting in that order. Once per pool.
     */
    public Mono<Assignment> assignInOrder(PoolRef ref, List<UUID> order, List<String> items) {
        return changeScripts.assign(keys(ref), order, items).flatMap(code -> switch (code) {
            case MISMATCH -> Mono.just(Assignment.MISMATCH);
            case ASSIGNED -> publishChanges(ref).thenReturn(Assignment.ASSIGNED);
            case ALREADY -> publishChanges(ref).thenReturn(Assignment.ALREADY);
        });
    }

    /**
     * Publishes every change of the scope that Kafka has not acknowledged yet (released before promoted,
     * lower revisions first), and forgets each once acknowledged. Fails when Kafka does not take one.
     */
    public Mono<Void> publishChanges(PoolRef ref) {
        PoolKeys keys = keys(ref);
        return redis.<String, String>opsForHash().values(keys.changes())
                .map(changeScripts::change)
                .collectList()
                .flatMap(changes -> publishChanges(keys, changes));
    }

    private Mono<Void> publishChanges(PoolKeys keys, List<Change> changes) {
        return Flux.fromIterable(changes)
                .sort(Comparator.comparing((Change change) -> !change.claim().released())
                        .thenComparingInt(change -> change.claim().revision()))
                .concatMap(change -> publisher.publish(change.claim())
                        .timeout(sendTimeout)
                        .then(changeScripts.forget(keys, change.claim().eventId().toString(), change.json())))
                .then();
    }

    private PoolKeys keys(PoolRef ref) {
        return new PoolKeys(keyPrefix, ref);
    }
}
