package org.fairrush.rush;

import java.util.Objects;

/**
 * Names one pool. The scope is what the per-actor limit and the Redis hash tag apply to (a campaign,
 * a fair); the pool is one stock inside it (empty for a scope with a single stock, a stall category
 * code for a fair).
 *
 * <p>A scope's single stock may be split over buckets (docs/design.md section 11, note 33): bucket 0 is the scope's
 * own pool ({@link #single}); bucket {@code b > 0} is the pool named {@code ~b}, whose keys carry the hash tag
 * {@code kind:scope~b}, so each bucket lands in a Redis Cluster slot and a Kafka partition of its own. For the
 * engine's background jobs a bucket is a scope of its own ({@link #scopeRef()}): its actors' limits and idempotency
 * records, its pending claims and its outboxes live in its slot.
 *
 * @param kind  the kind of scope, one short word a feature registers with a {@link ClaimSink} (e.g. "c")
 * @param scope the scope's id, e.g. a campaign id
 * @param pool  the stock's name inside the scope, "" when the scope has one stock, {@code ~b} for its bucket b
 */
public record PoolRef(String kind, String scope, String pool) {

    /** Most buckets one stock may be split over. */
    public static final int MAX_BUCKETS = 64;
    private static final String BUCKET_MARK = "~";

    public PoolRef {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(pool);
    }

    public static PoolRef single(String kind, String scope) {
        return new PoolRef(kind, scope, "");
    }

    /** Bucket {@code bucket} (0 ..) of the scope's single stock; bucket 0 is the scope's own pool. */
    public static PoolRef bucket(String kind, String scope, int bucket) {
        if (bucket < 0 || bucket >= MAX_BUCKETS) {
            throw new IllegalArgumentException("bucket " + bucket + " out of 0.." + (MAX_BUCKETS - 1));
        }
        return bucket == 0 ? single(kind, scope) : new PoolRef(kind, scope, BUCKET_MARK + bucket);
    }

    /** Which bucket of its scope's stock this pool is: 0 for the scope's own pool and for every named pool. */
    public int bucket() {
        return pool.startsWith(BUCKET_MARK) ? Integer.parseInt(pool.substring(BUCKET_MARK.length())) : 0;
    }

    /** Bucket {@code bucket} of this pool's scope. */
    public PoolRef inBucket(int bucket) {
        return bucket(kind, scope, bucket);
    }

    /**
     * The ref whose keys hold the scope-wide records (limits, idempotency, pending claims, outboxes) of this pool: the
     * scope's single ref, or this bucket itself.
     */
    public PoolRef scopeRef() {
        return bucket() > 0 ? this : single(kind, scope);
    }

    /** The Redis hash tag body and the Kafka record key: every key of one scope (one bucket) lands in one slot and partition. */
    public String scopeTag() {
        int bucket = bucket();
        return bucket > 0 ? kind + ":" + scope + BUCKET_MARK + bucket : kind + ":" + scope;
    }
}
