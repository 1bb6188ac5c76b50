package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.fairrush.rush.ClaimOutcome.Busy;
import org.fairrush.rush.ClaimOutcome.Granted;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.rush.ClaimOutcome.Refused;
import org.fairrush.rush.ClaimOutcome.Waitlisted;
import org.fairrush.rush.ChangeScripts.Change;
import org.fairrush.rush.ClaimScript.ScriptAnswer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The allocation engine both rushes use (docs/design.md sections 1 and 2): one atomic claim script in Redis,
 * then the claim event to Kafka, and a grant only once Kafka acknowledged it. A claim that cannot be
 * made durable is reversed in Redis and answered {@link Busy}.
 */
public class RushEngine {

    private static final Logger log = LoggerFactory.getLogger(RushEngine.class);

    private final ReactiveStringRedisTemplate redis;
    private final ClaimCodec codec;
    private final ClaimScript claimScript;
    private final ReleaseScript releaseScript;
    private final DefinePoolScript defineScript;
    private final ChangeScripts changeScripts;
    private final RebuildScript rebuildScript;
    private final ClaimPublisher publisher;
    private final SoldOutBoard soldOut;
    private final Clock clock;
    private final String keyPrefix;
    private final Duration sendTimeout;
    private final Duration retention;
    private final RushMetrics metrics;
    private final Map<String, ClaimSink> sinks;

    RushEngine(ReactiveStringRedisTemplate redis, ClaimCodec codec, ClaimPublisher publisher, SoldOutBoard soldOut,
            Clock clock, RushProperties properties) {
        this(redis, codec, publisher, soldOut, clock, properties, RushMetrics.NONE);
    }

    RushEngine(ReactiveStringRedisTemplate redis, ClaimCodec codec, ClaimPublisher publisher, SoldOutBoard soldOut,
            Clock clock, RushProperties properties, RushMetrics metrics) {
        this(redis, codec, publisher, soldOut, clock, properties, metrics, List.of());
    }

    /** @param sinks where replays of claims Redis keeps no copy of are read from (one per kind) */
    RushEngine(ReactiveStringRedisTemplate redis, ClaimCodec codec, ClaimPublisher publisher, SoldOutBoard soldOut,
            Clock clock, RushProperties properties, RushMetrics metrics, List<ClaimSink> sinks) {
        this.sinks = sinks.stream().collect(java.util.stream.Collectors.toMap(ClaimSink::kind, sink -> sink));
        this.redis = redis;
        this.codec = codec;
        this.claimScript = new ClaimScript(redis, codec, properties.idempotencyTtl());
        this.releaseScript = new ReleaseScript(redis);
        this.defineScript = new DefinePoolScript(redis);
        this.changeScripts = new ChangeScripts(redis, codec);
        this.rebuildScript = new RebuildScript(redis, codec);
        this.publisher = publisher;
        this.soldOut = soldOut;
        this.clock = clock;
        this.keyPrefix = properties.keyPrefix();
        this.sendTimeout = properties.sendTimeout();
        this.retention = properties.retention();
        this.metrics = metrics;
    }

    /** Loads a pool into Redis; emits false (and changes nothing) when it was there already. */
    public Mono<Boolean> define(PoolDefinition pool) {
        return defineScript.run(keys(pool.ref()), pool)
                .flatMap(created -> register(pool.ref()).thenReturn(created));
    }

    /**
     * Replaces a scope's Redis state with what Postgres implies, after Redis lost its data; its pools are left
     * paused. Refused (an error) while the scope still has claims pending or changes unpublished: they must
     * reach Postgres first, or the state read from it would miss them.
     */
    public Mono<Void> rebuild(ScopeState state) {
        PoolKeys scope = keys(state.scope());
        return Mono.zip(pendingCount(state.scope()), unpublishedChanges(state.scope())).flatMap(counts -> counts.getT1() + counts.getT2() > 0
                ? Mono.error(new IllegalStateException(counts.getT1() + " claims and " + counts.getT2() + " changes of "
                        + state.scope().scopeTag() + " are not stored yet"))
                : rebuildScript.scope(scope, state)
                        .thenMany(Flux.fromIterable(state.pools()))
                        .concatMap(pool -> rebuildScript.pool(keys(pool.definition().ref()), pool)
                                .then(register(pool.definition().ref()))
                                // A mark from before the loss must not refuse grabs on the units found again.
                                .then(pool.remaining() > 0 ? soldOut.markRestocked(pool.definition().ref()) : Mono.empty()))
                        .then());
    }

    /** Every pool defined so far (for the sweeper and reconciliation). */
    public Flux<PoolRef> pools() {
        return redis.opsForSet().members(poolRegistry()).map(PoolRefs::parse);
    }

    /**
     * Claims of a scope recorded before {@code before} and not yet known to be in Kafka (at most
     * {@code limit}): what the sweeper republishes. Reads only those, however many claims are pending.
     */
    Flux<ClaimRecorded> unsentClaims(PoolRef scope, java.time.Instant before, int limit) {
        PoolKeys keys = keys(scope);
        return redis.opsForZSet()
                .rangeByScore(keys.unsent(), org.springframework.data.domain.Range.closed(0d, (double) before.toEpochMilli()),
                        org.springframework.data.redis.connection.Limit.limit().count(limit))
                .collectList()
                .flatMapMany(ids -> ids.isEmpty() ? Flux.empty() : redis.<String, String>opsForHash()
                        .multiGet(keys.pending(), ids)
                        .flatMapMany(values -> {
                            List<ClaimRecorded> found = new java.util.ArrayList<>();
                            List<Object> gone = new java.util.ArrayList<>();
                            for (int i = 0; i < ids.size(); i++) {
                                if (values.get(i) == null) {
                                    gone.add(ids.get(i));
                                } else {
                                    found.add(codec.read(values.get(i)));
                                }
                            }
                            // Stored or reversed meanwhile: nothing left to send for those.
                            Mono<Long> forget = gone.isEmpty() ? Mono.just(0L) : redis.opsForZSet().remove(keys.unsent(), gone.toArray());
                            return forget.thenMany(Flux.fromIterable(found));
                        }));
    }

    /** The claims of a scope recorded in Redis whose events are not yet stored in Postgres. */
    public Flux<ClaimRecorded> pendingClaims(PoolRef scope) {
        return redis.<String, String>opsForHash().values(keys(scope).pending()).map(codec::read);
    }

    private Mono<Void> register(PoolRef ref) {
        return redis.opsForSet().add(poolRegistry(), PoolRefs.format(ref)).then();
    }

    String poolRegistry() {
        return keyPrefix + ":pools";
    }

    // --- retirement (PoolRetirement): pools whose life is over leave Redis and the registry ---

    /** Forgets pools retired from Redis: the background loops no longer visit them. */
    Mono<Void> unregister(List<PoolRef> refs) {
        return refs.isEmpty() ? Mono.empty()
                : redis.opsForSet().remove(poolRegistry(), refs.stream().map(PoolRefs::format).toArray()).then();
    }

    /**
     * Whether a pool whose claims could change until {@code activeUntil} may have been retired from Redis by now:
     * a feature that finds no Redis state for it then answers from Postgres (which holds all of it), rather than
     * as a pool Redis lost.
     */
    public boolean pastRetention(Instant activeUntil) {
        return !clock.instant().isBefore(activeUntil.plus(retention));
    }

    /** Scopes retired from Redis, heard by this instance: a feature drops what it keeps of them in memory. */
    public Flux<PoolRef> retiredScopes() {
        return soldOut.retired();
    }
    // --- end retirement ---

    /**
     * One claim attempt. The same actor and idempotency key always get the first claim back and never
     * a second unit.
     *
     * @param attributes the feature's data to carry with the claim (e.g. the voucher code it generated)
     */
    public Mono<ClaimOutcome> claim(PoolRef ref, String actorId, String idempotencyKey, Map<String, String> attributes) {
        return claim(ref, actorId, idempotencyKey, attributes, UUID.randomUUID());
    }

    /**
     * One claim attempt whose claim id, if it is granted, is {@code claimId}: a feature that can derive the id
     * from what a client later shows (a voucher code) then finds the pending claim in O(1), see {@link #isPending}.
     * The id must be as unguessable and unique as a random UUID.
     */
    public Mono<ClaimOutcome> claim(PoolRef ref, String actorId, String idempotencyKey, Map<String, String> attributes,
            UUID claimId) {
        PoolKeys keys = keys(ref);
        Mono<Boolean> knownSoldOut = soldOut.isSoldOut(ref)
                ? redis.hasKey(keys.idempotency(actorId, idempotencyKey)).map(replay -> !replay)
                : Mono.just(false);
        return knownSoldOut.flatMap(refuse -> refuse
                        ? Mono.<ClaimOutcome>just(new Refused(Refusal.SOLD_OUT))
                        : runClaim(keys, actorId, idempotencyKey, attributes, claimId))
                .doOnNext(outcome -> metrics.claimed(ref.kind(), outcome))
                .doOnError(failure -> metrics.claimFailed(ref.kind(), failure));
    }

    private Mono<ClaimOutcome> runClaim(PoolKeys keys, String actorId, String idempotencyKey, Map<String, String> attributes,
            UUID claimId) {
        Instant now = clock.instant();
        ClaimRecorded draft = ClaimRecorded.draft(claimId, keys.ref(), actorId, now, attributes);
        return metrics.timeClaimScript(claimScript.run(keys, draft, idempotencyKey, now)).flatMap(answer -> switch (answer.code()) {
            case GRANTED -> (answer.waitlist() ? Mono.<Void>empty() : markIfEmptied(keys.ref(), answer.number()))
                    .then(makeDurable(keys, answer.claim(), idempotencyKey, new Granted(answer.claim(), answer.number(), false)));
            case WAITLISTED -> makeDurable(keys, answer.claim(), idempotencyKey,
                    new Waitlisted(answer.claim(), answer.number(), false));
            case REPLAYED -> replay(keys.ref(), answer);
            case SOLD_OUT -> soldOut.markSoldOut(keys.ref()).thenReturn(new Refused(Refusal.SOLD_OUT));
            case LIMIT_REACHED -> Mono.just(new Refused(Refusal.LIMIT_REACHED));
            case NOT_STARTED -> Mono.just(new Refused(Refusal.NOT_STARTED));
            case ENDED -> Mono.just(new Refused(Refusal.ENDED));
            case PAUSED -> Mono.just(new Refused(Refusal.PAUSED));
            case UNKNOWN_POOL -> Mono.just(new Refused(Refusal.UNKNOWN_POOL));
        });
    }

    private Mono<Void> markIfEmptied(PoolRef ref, long remaining) {
        return remaining == 0 ? soldOut.markSoldOut(ref) : Mono.empty();
    }

    /**
     * A replay answers the first claim only once that claim is durable; while its event is still on the
     * way (the first request is waiting for Kafka, or died and the sweeper has not republished yet) the
     * caller is asked to come back, which is never wrong: a 201 always means stored or acknowledged.
     */
    private Mono<ClaimOutcome> replay(PoolRef ref, ScriptAnswer answer) {
        if (answer.number() == 0 || answer.claim() != null) {
            return Mono.just(replayed(answer));
        }
        // Stored, and Redis keeps no copy (the idempotency entry holds its id only): Postgres answers.
        ClaimSink sink = sinks.get(ref.kind());
        Mono<ClaimRecorded> stored = sink == null ? Mono.empty() : sink.find(answer.replayedId());
        return stored.map(claim -> replayed(new ScriptAnswer(answer.code(), answer.number(), claim, 0, false, answer.replayedId())))
                .defaultIfEmpty(new Busy("the earlier request with this Idempotency-Key is being stored"));
    }

    private static ClaimOutcome replayed(ScriptAnswer answer) {
        if (answer.number() == 0) {
            return new Refused(Refusal.IN_PROGRESS);
        }
        ClaimRecorded claim = answer.claim();
        return claim.waiting() ? new Waitlisted(claim, answer.position(), true) : new Granted(claim, -1, true);
    }

    private Mono<ClaimOutcome> makeDurable(PoolKeys keys, ClaimRecorded claim, String idempotencyKey, ClaimOutcome outcome) {
        return metrics.timeKafkaSend(publisher.publish(claim).timeout(sendTimeout))
                .then(markAcknowledged(keys, claim))
                .doOnSuccess(acknowledged -> log.atDebug().addKeyValue(ClaimLogs.CLAIM_ID, claim.eventId().toString())
                        .log("claim of {} acknowledged by Kafka", claim.poolRef().scopeTag()))
                .thenReturn(outcome)
                .onErrorResume(failure -> reverse(keys, claim, idempotencyKey, outcome, failure));
    }

    /**
     * Kafka holds the event: from now on the claim is durable, so a replay of it may be answered 201 and it
     * can no longer be reversed. If Redis fails here the claim still stands; a replay then waits for the
     * persister.
     */
    private Mono<Void> markAcknowledged(PoolKeys keys, ClaimRecorded claim) {
        return markAcknowledged(keys, claim.eventId().toString())
                .onErrorResume(failure -> Mono.fromRunnable(() ->
                        log.warn("could not mark claim {} acknowledged: {}", claim.eventId(), failure.toString())));
    }

    /** Durable from now on, and no longer the sweeper's concern (both commands go out pipelined). */
    Mono<Void> markAcknowledged(PoolKeys keys, String claimId) {
        return Mono.when(redis.opsForSet().add(keys.confirmed(), claimId), redis.opsForZSet().remove(keys.unsent(), claimId));
    }

    private Mono<ClaimOutcome> reverse(PoolKeys keys, ClaimRecorded claim, String idempotencyKey, ClaimOutcome outcome,
            Throwable failure) {
        log.atWarn().addKeyValue(ClaimLogs.CLAIM_ID, claim.eventId().toString())
                .log("claim {} not acknowledged by Kafka ({}), reversing it", claim.eventId(), failure.toString());
        return releaseScript.run(keys, claim, idempotencyKey, clock.instant()).flatMap(result -> switch (result) {
            case REVERSED -> (claim.waiting() ? Mono.<Void>empty() : soldOut.markRestocked(keys.ref()))
                    .thenReturn((ClaimOutcome) new Busy("the claim could not be stored right now"));
            // Already taken over or stored by the persister: the event reached Kafka after all.
            case DURABLE, UNKNOWN -> Mono.just(outcome);
        });
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
                        return Mono.just(new ReleaseOutcome.Busy("the release is recorded and still being stored; retry"));
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

    /** The current state of a claim of a scope with items or a waiting list, or empty when unknown. */
    public Mono<ClaimRecorded> findClaim(PoolRef scope, UUID claimId) {
        return redis.<String, String>opsForHash().get(keys(scope).claims(), claimId.toString()).map(codec::read);
    }

    /** A waiting claim's position in its pool's waiting list (1 = next), or 0 when it is not waiting. */
    public Mono<Long> waitingPosition(PoolRef ref, UUID claimId) {
        return redis.opsForList().indexOf(keys(ref).waitlist(), claimId.toString()).map(index -> index + 1).defaultIfEmpty(0L);
    }

    /** How many claims wait for a pool. */
    public Mono<Long> waitingCount(PoolRef ref) {
        return redis.opsForList().size(keys(ref).waitlist());
    }

    /** The claims waiting for a pool, next first. */
    public Flux<UUID> waitingClaims(PoolRef ref) {
        return redis.opsForList().range(keys(ref).waitlist(), 0, -1).map(UUID::fromString);
    }

    /**
     * Pauses or resumes claims on a pool. A pool not in Redis (retired, or lost until its rebuild) is left alone:
     * a lone 'paused' field would be a key no retirement ever removes.
     */
    public Mono<Void> setPaused(PoolRef ref, boolean paused) {
        String meta = keys(ref).meta();
        return redis.hasKey(meta).flatMap(present -> present ? redis.opsForHash().put(meta, "paused", paused ? "1" : "0") : Mono.just(false))
                .then();
    }

    /** Units left in a pool, or empty when the pool is not loaded. */
    public Mono<Long> remaining(PoolRef ref) {
        PoolKeys keys = keys(ref);
        return redis.opsForHash().get(keys.meta(), "items").flatMap(items -> "1".equals(items)
                ? redis.opsForList().size(keys.stock())
                : redis.opsForValue().get(keys.stock()).map(Long::parseLong));
    }

    /**
     * Units left in each of many counted pools (a list of campaigns) in one MGET, whatever their number; a pool
     * not loaded is absent from the map.
     */
    public Mono<Map<PoolRef, Long>> remainingOfCounted(List<PoolRef> refs) {
        if (refs.isEmpty()) {
            return Mono.just(Map.of());
        }
        return redis.opsForValue().multiGet(refs.stream().map(ref -> keys(ref).stock()).toList()).map(values -> {
            Map<PoolRef, Long> remaining = new java.util.HashMap<>();
            for (int i = 0; i < refs.size(); i++) {
                if (values.get(i) != null) {
                    remaining.put(refs.get(i), Long.parseLong(values.get(i)));
                }
            }
            return remaining;
        });
    }

    /** What a list shows of a pool with items: units left (-1 when not loaded) and claims waiting. */
    public record ItemNumbers(long remaining, long waiting) {
    }

    /**
     * The numbers of many pools (a list of fairs' categories), their commands sent at once on the connection
     * (pipelined): a round trip's wait or two, not one per pool. A pool's stock is a list of items or, for a lottery
     * pool before its draw, a counter: {@link #remaining} reads whichever it is.
     */
    public Mono<Map<PoolRef, ItemNumbers>> itemNumbers(List<PoolRef> refs) {
        return Flux.fromIterable(refs)
                .flatMapSequential(ref -> Mono.zip(remaining(ref).defaultIfEmpty(-1L), waitingCount(ref))
                        .map(numbers -> Map.entry(ref, new ItemNumbers(numbers.getT1(), numbers.getT2()))))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** The current state of many claims of one scope in one HMGET; claims unknown to Redis are absent. */
    public Mono<Map<UUID, ClaimRecorded>> findClaims(PoolRef scope, List<UUID> claimIds) {
        if (claimIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return redis.<String, String>opsForHash().multiGet(keys(scope).claims(), claimIds.stream().map(UUID::toString).toList())
                .map(values -> {
                    Map<UUID, ClaimRecorded> found = new java.util.HashMap<>();
                    for (int i = 0; i < claimIds.size(); i++) {
                        if (values.get(i) != null) {
                            found.put(claimIds.get(i), codec.read(values.get(i)));
                        }
                    }
                    return found;
                });
    }

    /** Claims of a scope recorded in Redis whose events are not yet stored in Postgres. */
    public Mono<Long> pendingCount(PoolRef ref) {
        return redis.opsForHash().size(keys(ref).pending());
    }

    /** Changes of a scope's claims (releases, promotions, a draw's) that Kafka has not acknowledged yet. */
    public Mono<Long> unpublishedChanges(PoolRef ref) {
        return redis.opsForHash().size(keys(ref).changes());
    }

    /**
     * Whether the claim is recorded in Redis and its event not yet stored, e.g. a voucher scanned a moment
     * after the grab: one HEXISTS, however many claims of the scope are pending.
     */
    public Mono<Boolean> isPending(PoolRef ref, UUID claimId) {
        return redis.opsForHash().hasKey(keys(ref).pending(), claimId.toString());
    }

    PoolKeys keys(PoolRef ref) {
        return new PoolKeys(keyPrefix, ref);
    }
}
