package org.fairrush.rush;

import java.util.Objects;

/**
 * Names one pool. The scope is what the per-actor limit and the Redis hash tag apply to (a campaign,
 * a fair); the pool is one stock inside it (empty for a scope with a single stock, a stall category
 * code for a fair).
 *
 * @param kind  the kind of scope, one short word a feature registers with a {@link ClaimSink} (e.g. "c")
 * @param scope the scope's id, e.g. a campaign id
 * @param pool  the stock's name inside the scope, "" when the scope has one stock
 */
public record PoolRef(String kind, String scope, String pool) {

    public PoolRef {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(pool);
    }

    public static PoolRef single(String kind, String scope) {
        return new PoolRef(kind, scope, "");
    }

    /** The Redis hash tag body and the Kafka record key: every key of one scope lands in one slot and partition. */
    public String scopeTag() {
        return kind + ":" + scope;
    }
}
