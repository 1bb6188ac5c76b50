package org.fairrush.rush;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimOutcome.Busy;
import org.fairrush.rush.ClaimOutcome.Granted;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.rush.ClaimOutcome.Refused;
import org.fairrush.rush.ClaimOutcome.Waitlisted;
import org.fairrush.rush.lua.AcknowledgeScript;
import org.fairrush.rush.lua.Acknowledgements;
import org.fairrush.rush.lua.ClaimScript;
import org.fairrush.rush.lua.ClaimScript.ScriptAnswer;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.ReleaseScript;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Claims, the engine's hot path (docs/design.md sections 1 and 2): one atomic claim script in Redis, then the
 * claim event to Kafka, and a grant only once Kafka acknowledged it. A claim that cannot be made durable is
 * reversed in Redis and answered {@link Busy}. This class runs the script and answers what it says (sold out,
 * a replay, a stock split over buckets); sending the recorded claim and reversing it is {@link ClaimDurability}'s.
 */
public class Claims {

    private final ReactiveStringRedisTemplate redis;
    private final ClaimScript claimScript;
    private final SoldOutBoard soldOut;
    private final Clock clock;
    private final String keyPrefix;
    private final RushMetrics metrics;
    private final Map<String, ClaimSink> sinks;
    private final Buckets buckets;
    private final ClaimDurability durability;

    /** @param sinks where replays of claims Redis keeps no copy of are read from (one per kind) */
    Claims(ReactiveStringRedisTemplate redis, ClaimScript claimScript, ReleaseScript releaseScript, Acknowledgements acknowledgements,
            ClaimPublisher publisher, SoldOutBoard soldOut, Clock clock, RushProperties properties, RushMetrics metrics,
            List<ClaimSink> sinks, Buckets buckets) {
        this.redis = redis;
        this.claimScript = claimScript;
        this.soldOut = soldOut;
        this.clock = clock;
        this.keyPrefix = properties.keyPrefix();
        this.metrics = metrics;
        this.sinks = sinks.stream().collect(Collectors.toMap(ClaimSink::kind, sink -> sink));
        this.buckets = buckets;
        this.durability = new ClaimDurability(releaseScript, acknowledgements, publisher, soldOut, clock, properties.sendTimeout(), metrics);
    }

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
     * from what a client later shows (a voucher code) then finds the pending claim in O(1), see
     * {@link PoolQueries#isPending}. The id must be as unguessable and unique as a random UUID.
     */
    public Mono<ClaimOutcome> claim(PoolRef ref, String actorId, String idempotencyKey, Map<String, String> attributes,
            UUID claimId) {
        return claim(ref, actorId, idempotencyKey, attributes, claimId, null);
    }

    /** A claim on a pool with daily caps ({@code daily}, null for none), counted on the day the engine records it. */
    public Mono<ClaimOutcome> claim(PoolRef ref, String actorId, String idempotencyKey, Map<String, String> attributes,
            UUID claimId, DailyQuota daily) {
        PoolKeys keys = new PoolKeys(keyPrefix, ref);
        return refusedIfKnownSoldOut(ref, keys, actorId, idempotencyKey,
                () -> runClaim(keys, actorId, idempotencyKey, attributes, claimId, daily, false,
                        () -> soldOut.markSoldOut(ref).thenReturn(new Refused(Refusal.SOLD_OUT))))
                .doOnNext(outcome -> metrics.claimed(ref.kind(), outcome))
                .doOnError(failure -> metrics.claimFailed(ref.kind(), failure));
    }

    /**
     * A claim on a scope's single stock split over {@code bucketCount} buckets (docs/design.md section 11, note 33): made
     * in the actor's home bucket, which holds their limit and idempotency records; when that bucket is empty, units
     * move to it from a bucket that has some and the claim is made there again. SOLD_OUT only once no bucket has a
     * unit and none is on its way between buckets. Pools with buckets have no daily caps (the caps would be one
     * counter in one slot again).
     *
     * @param whole the stock's bucket 0, {@link PoolRef#single}: the name the sold-out board knows the whole stock by
     */
    public Mono<ClaimOutcome> claim(PoolRef whole, int bucketCount, String actorId, String idempotencyKey, Map<String, String> attributes,
            UUID claimId) {
        if (bucketCount <= 1) {
            return claim(whole, actorId, idempotencyKey, attributes, claimId, null);
        }
        PoolKeys home = homeBucket(whole, bucketCount, actorId);
        return refusedIfKnownSoldOut(whole, home, actorId, idempotencyKey,
                () -> claimInHome(home, whole, bucketCount, actorId, idempotencyKey, attributes, claimId, 0))
                .doOnNext(outcome -> metrics.claimed(whole.kind(), outcome))
                .doOnError(failure -> metrics.claimFailed(whole.kind(), failure));
    }

    /**
     * The sold-out fast path: a stock known to be empty is refused from memory, after one look whether the caller's
     * key already made a claim (which a replay then answers).
     */
    private Mono<ClaimOutcome> refusedIfKnownSoldOut(PoolRef stock, PoolKeys where, String actorId, String idempotencyKey,
            Supplier<Mono<ClaimOutcome>> otherwise) {
        return soldOutAndNoReplay(stock, where, actorId, idempotencyKey)
                .flatMap(refuse -> refuse ? Mono.<ClaimOutcome>just(SOLD_OUT) : otherwise.get());
    }

    /** The stock known to be empty, and the caller's key made no claim (which a replay would answer). */
    private Mono<Boolean> soldOutAndNoReplay(PoolRef stock, PoolKeys where, String actorId, String idempotencyKey) {
        return soldOut.isSoldOut(stock)
                ? redis.hasKey(where.idempotency(actorId, idempotencyKey)).map(replay -> !replay)
                : Mono.just(false);
    }

    /** The bucket of a stock over {@code bucketCount} buckets that holds the actor's limit and idempotency records. */
    private PoolKeys homeBucket(PoolRef whole, int bucketCount, String actorId) {
        return new PoolKeys(keyPrefix, whole.inBucket(Buckets.home(actorId, bucketCount)));
    }

    private static final Refused SOLD_OUT = new Refused(Refusal.SOLD_OUT);

    /** Whether this instance knows the stock ({@code whole}: its bucket 0, see {@link #claim(PoolRef, int, String, String, Map, UUID)}) is empty. */
    public boolean knownSoldOut(PoolRef whole) {
        return soldOut.isSoldOut(whole);
    }

    /**
     * Whether a claim with these arguments would be refused SOLD_OUT by the sold-out fast path, found as that path
     * finds it (the stock known empty, and the key made no claim, which a replay would answer); counted as that
     * refusal when it would. For a caller that answers a known sold-out stock before costlier checks of its own (the
     * lean rush path's rate limits, docs/design.md section 11, note 51): emits false whenever the claim itself must
     * be tried.
     */
    public Mono<Boolean> refusedAsSoldOut(PoolRef whole, int bucketCount, String actorId, String idempotencyKey) {
        PoolKeys where = bucketCount <= 1 ? new PoolKeys(keyPrefix, whole) : homeBucket(whole, bucketCount, actorId);
        return soldOutAndNoReplay(whole, where, actorId, idempotencyKey).doOnNext(refused -> {
            if (refused) {
                metrics.claimed(whole.kind(), SOLD_OUT);
            }
        });
    }

    /**
     * One claim in the home bucket; when it is empty, a refill and another claim. Each refill that moved units either
     * serves this claim or lost them to another claim of the same bucket, so the stock shrank: the loop ends. Units on
     * their way between buckets are waited for a little. It is bounded all the same, with a busy answer (retry), never a
     * SOLD_OUT while units may be left.
     */
    private Mono<ClaimOutcome> claimInHome(PoolKeys home, PoolRef whole, int bucketCount, String actorId, String idempotencyKey,
            Map<String, String> attributes, UUID claimId, int refills) {
        return runClaim(home, actorId, idempotencyKey, attributes, claimId, null, true, () -> refills >= MOST_REFILLS
                ? Mono.just(new Busy("the stock is moving between buckets"))
                : buckets.refill(home.ref(), bucketCount).flatMap(refill -> switch (refill) {
                    case MOVED -> claimInHome(home, whole, bucketCount, actorId, idempotencyKey, attributes, claimId, refills + 1);
                    // The stock was empty at one instant after this claim's script ran: unless a duplicate of this very
                    // request (same key) was granted meanwhile, which a replay answers, it is sold out.
                    case EMPTY -> redis.hasKey(home.idempotency(actorId, idempotencyKey)).flatMap(duplicate -> duplicate
                            ? claimInHome(home, whole, bucketCount, actorId, idempotencyKey, attributes, claimId, refills + 1)
                            : soldOut.markSoldOut(whole).thenReturn(new Refused(Refusal.SOLD_OUT)));
                    // A move in flight lands within a round trip or two: look again shortly (a stranded one ends busy).
                    case IN_TRANSIT -> Mono.delay(IN_TRANSIT_PAUSE)
                            .then(claimInHome(home, whole, bucketCount, actorId, idempotencyKey, attributes, claimId, refills + 1));
                }));
    }

    /**
     * Refills of one claim's home bucket before it is answered busy: each one moved units some claim took, or waited
     * {@link #IN_TRANSIT_PAUSE} for units on their way.
     */
    private static final int MOST_REFILLS = 16;
    private static final Duration IN_TRANSIT_PAUSE = Duration.ofMillis(2);

    /**
     * @param bucket  whether the pool is one bucket of a stock: its being empty says nothing of the stock, so no mark
     * @param whenEmpty what the claim script's SOLD_OUT becomes
     */
    private Mono<ClaimOutcome> runClaim(PoolKeys pool, String actorId, String idempotencyKey, Map<String, String> attributes,
            UUID claimId, DailyQuota daily, boolean bucket, Supplier<Mono<ClaimOutcome>> whenEmpty) {
        Instant now = clock.instant();
        // The day the claim counts on is the day of the very instant it is recorded at (docs/design.md section 11).
        PoolKeys keys = pool.onDay(daily, now);
        ClaimRecorded draft = ClaimRecorded.draft(claimId, keys.ref(), actorId, now, attributes);
        return metrics.timeClaimScript(claimScript.run(keys, draft, idempotencyKey, now)).flatMap(answer -> switch (answer.code()) {
            case GRANTED -> markedIfEmptied(keys.ref(), answer, bucket, durability.makeDurable(keys, answer.claim(), answer.recordedJson(),
                    idempotencyKey, new Granted(answer.claim(), answer.number(), false), answer.waitlist()));
            case WAITLISTED -> durability.makeDurable(keys, answer.claim(), answer.recordedJson(), idempotencyKey,
                    new Waitlisted(answer.claim(), answer.number(), false), true);
            case REPLAYED -> replay(keys.ref(), answer);
            case SOLD_OUT -> whenEmpty.get();
            case LIMIT_REACHED -> Mono.just(new Refused(Refusal.LIMIT_REACHED));
            case NOT_STARTED -> Mono.just(new Refused(Refusal.NOT_STARTED));
            case ENDED -> Mono.just(new Refused(Refusal.ENDED));
            case PAUSED -> Mono.just(new Refused(Refusal.PAUSED));
            case UNKNOWN_POOL -> Mono.just(new Refused(Refusal.UNKNOWN_POOL));
            // Today's quota only: no sold-out mark, tomorrow has units.
            case DAILY_SOLD_OUT -> Mono.just(new Refused(Refusal.DAILY_SOLD_OUT, daily.nextDayStarts(now)));
            case DAILY_LIMIT_REACHED -> Mono.just(new Refused(Refusal.DAILY_LIMIT_REACHED, daily.nextDayStarts(now)));
        });
    }

    /**
     * {@code durable}, after the sold-out mark when this grant took a whole pool's last unit. The grant that leaves
     * units returns {@code durable} itself, not {@code Mono.empty().then(durable)}: Reactor looks up the subscriber's
     * context to discard the empty source's nothing, a walk down the whole WebFlux chain on every grab (issue 13).
     */
    private Mono<ClaimOutcome> markedIfEmptied(PoolRef ref, ScriptAnswer answer, boolean bucket, Mono<ClaimOutcome> durable) {
        return answer.waitlist() || bucket || answer.number() != 0 ? durable : soldOut.markSoldOut(ref).then(durable);
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

    /** Durable from now on, and no longer the sweeper's concern (one script call, acknowledge.lua). */
    public static Mono<Void> markAcknowledged(ReactiveStringRedisTemplate redis, PoolKeys keys, String claimId) {
        return new AcknowledgeScript(redis).run(keys, List.of(claimId)).then();
    }
}
