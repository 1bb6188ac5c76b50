package org.fairrush.rush;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.TransferScripts;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Read models of the engine's Redis state, for features (lists, a registration's place) and ops (the live board). */
public class PoolQueries {

    /** Claims read per HSCAN call of a scope's pending hash. */
    public static final int PENDING_PAGE = 500;

    /**
     * Pending claims of a scope above which the periodic checks (the stranded-claims pass, the minute's reconciliation)
     * leave it for a later pass while the persisters are behind: ten pages (docs/design.md section 11, note 53).
     */
    public static final long PENDING_BACKLOG = 10L * PENDING_PAGE;

    private final ReactiveStringRedisTemplate redis;
    private final ClaimCodec codec;
    private final String keyPrefix;
    private final Buckets buckets;

    PoolQueries(ReactiveStringRedisTemplate redis, ClaimCodec codec, RushProperties properties) {
        this.redis = redis;
        this.codec = codec;
        this.keyPrefix = properties.keyPrefix();
        // Only read: no transfer is given here, so the clock is never asked.
        this.buckets = new Buckets(redis, new TransferScripts(redis), java.time.Clock.systemUTC(), properties);
    }

    /** The current state of a claim of a scope with items or a waiting list, or empty when unknown. */
    public Mono<ClaimRecorded> findClaim(PoolRef scope, UUID claimId) {
        return redis.<String, String>opsForHash().get(keys(scope).claims(), claimId.toString()).map(codec::read);
    }

    /** The current state of many claims of one scope in one HMGET; claims unknown to Redis are absent. */
    public Mono<Map<UUID, ClaimRecorded>> findClaims(PoolRef scope, List<UUID> claimIds) {
        if (claimIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return redis.<String, String>opsForHash().multiGet(keys(scope).claims(), claimIds.stream().map(UUID::toString).toList())
                .map(values -> {
                    Map<UUID, ClaimRecorded> found = new HashMap<>();
                    for (int i = 0; i < claimIds.size(); i++) {
                        if (values.get(i) != null) {
                            found.put(claimIds.get(i), codec.read(values.get(i)));
                        }
                    }
                    return found;
                });
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
     * Units left in a pool, or empty when the pool is not loaded. For a stock split over buckets, asked by its bucket 0
     * (whose meta holds the number of buckets, {@link PoolRegistry#define(PoolDefinition, int)}): the whole stock's units,
     * those on their way between buckets included.
     */
    public Mono<Long> remaining(PoolRef ref) {
        PoolKeys keys = keys(ref);
        return redis.<String, String>opsForHash().multiGet(keys.meta(), List.of("items", "buckets")).flatMap(meta -> {
            if ("1".equals(meta.get(0))) {
                return redis.opsForList().size(keys.stock());
            }
            int count = meta.get(1) == null ? 1 : Integer.parseInt(meta.get(1));
            return count > 1 ? buckets.remaining(ref, count) : redis.opsForValue().get(keys.stock()).map(Long::parseLong);
        });
    }

    /**
     * Units left in each of many counted pools (a list of campaigns) in one MGET, whatever their number; a pool
     * not loaded is absent from the map. A stock over buckets shows its bucket 0 only here: ask {@link #remaining}.
     */
    public Mono<Map<PoolRef, Long>> remainingOfCounted(List<PoolRef> refs) {
        if (refs.isEmpty()) {
            return Mono.just(Map.of());
        }
        return redis.opsForValue().multiGet(refs.stream().map(ref -> keys(ref).stock()).toList()).map(values -> {
            Map<PoolRef, Long> remaining = new HashMap<>();
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

    /**
     * Claims of a scope recorded in Redis whose events are not yet stored in Postgres; for a stock split over buckets,
     * asked by its bucket 0, those of every bucket.
     */
    public Mono<Long> pendingCount(PoolRef ref) {
        Mono<Integer> count = ref.pool().isEmpty()
                ? redis.<String, String>opsForHash().get(keys(ref).meta(), "buckets").map(Integer::parseInt).defaultIfEmpty(1)
                : Mono.just(1);
        return count.flatMap(buckets -> buckets == 1 ? redis.opsForHash().size(keys(ref).pending())
                : Flux.range(0, buckets).concatMap(bucket -> redis.opsForHash().size(keys(ref.inBucket(bucket)).pending()))
                        .reduce(0L, Long::sum));
    }

    /**
     * The claims of a scope recorded in Redis whose events are not yet stored in Postgres, read {@value #PENDING_PAGE}
     * at a time (HSCAN): while the persisters lag in a rush this hash holds every claim since, hundreds of thousands,
     * and one HVALS of it held Redis, and every grab behind it, for seconds (docs/design.md section 11, note 50). A
     * claim may come twice while the hash changes, as HSCAN allows; a reader that counts dedupes.
     */
    public Flux<ClaimRecorded> pendingClaims(PoolRef scope) {
        return redis.<String, String>opsForHash().scan(keys(scope).pending(), ScanOptions.scanOptions().count(PENDING_PAGE).build())
                .map(entry -> codec.read(entry.getValue()));
    }

    /**
     * Whether the scope's pending hash is a persisters' backlog: they are {@code persisterLag} claim events behind (above
     * zero) and it holds more than {@link #PENDING_BACKLOG} claims. Only a claim the persisters have passed can be
     * stranded or stored, so a check that reads every pending claim and asks Postgres about it learns little from such a
     * hash and pays for all of it, at the moment the service is busiest.
     */
    public Mono<Boolean> isBacklog(PoolRef scope, long persisterLag) {
        if (persisterLag <= 0) {
            return Mono.just(false);
        }
        return redis.opsForHash().size(keys(scope).pending()).map(pending -> pending > PENDING_BACKLOG);
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

    /**
     * Claims of a scope recorded before {@code before} and not yet known to be in Kafka (at most
     * {@code limit}): what the sweeper republishes. Reads only those, however many claims are pending.
     */
    public Flux<ClaimRecorded> unsentClaims(PoolRef scope, Instant before, int limit) {
        PoolKeys keys = keys(scope);
        return redis.opsForZSet()
                .rangeByScore(keys.unsent(), Range.closed(0d, (double) before.toEpochMilli()), Limit.limit().count(limit))
                .collectList()
                .flatMapMany(ids -> ids.isEmpty() ? Flux.empty() : redis.<String, String>opsForHash()
                        .multiGet(keys.pending(), ids)
                        .flatMapMany(values -> {
                            List<ClaimRecorded> found = new ArrayList<>();
                            List<Object> gone = new ArrayList<>();
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

    private PoolKeys keys(PoolRef ref) {
        return new PoolKeys(keyPrefix, ref);
    }
}
