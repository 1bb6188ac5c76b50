package org.fairrush.rush;

import java.time.Instant;
import java.util.List;

/**
 * A pool as a feature defines it.
 *
 * @param ref            which pool
 * @param opensAt        first instant a claim is accepted
 * @param closesAt       first instant a claim is refused again
 * @param perActorLimit  most claims one actor may hold in the pool's scope
 * @param stock          number of units (for item pools, the number of items)
 * @param items          the concrete items handed out in order (stall numbers), empty for counted stock
 * @param waitlist       whether claims on an empty pool join a waiting list instead of being refused
 * @param activeUntil    until when the pool's claims may still change (released, promoted from the waiting list),
 *                       e.g. a fair's last day; never before closesAt. The pool is retired from Redis a retention
 *                       period after it (see {@link RushProperties#retention()})
 */
public record PoolDefinition(PoolRef ref, Instant opensAt, Instant closesAt, int perActorLimit, int stock,
        List<String> items, boolean waitlist, Instant activeUntil) {

    public PoolDefinition {
        items = List.copyOf(items);
        if (!items.isEmpty() && items.size() != stock) {
            throw new IllegalArgumentException("stock must equal the number of items");
        }
        activeUntil = activeUntil == null || activeUntil.isBefore(closesAt) ? closesAt : activeUntil;
    }

    /** A pool whose claims no longer change once its window has closed. */
    public PoolDefinition(PoolRef ref, Instant opensAt, Instant closesAt, int perActorLimit, int stock, List<String> items,
            boolean waitlist) {
        this(ref, opensAt, closesAt, perActorLimit, stock, items, waitlist, closesAt);
    }

    public static PoolDefinition counted(PoolRef ref, Instant opensAt, Instant closesAt, int perActorLimit, int stock) {
        return new PoolDefinition(ref, opensAt, closesAt, perActorLimit, stock, List.of(), false);
    }
}
