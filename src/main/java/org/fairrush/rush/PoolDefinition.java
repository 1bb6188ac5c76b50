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
 */
public record PoolDefinition(PoolRef ref, Instant opensAt, Instant closesAt, int perActorLimit, int stock,
        List<String> items, boolean waitlist) {

    public PoolDefinition {
        items = List.copyOf(items);
        if (!items.isEmpty() && items.size() != stock) {
            throw new IllegalArgumentException("stock must equal the number of items");
        }
    }

    public static PoolDefinition counted(PoolRef ref, Instant opensAt, Instant closesAt, int perActorLimit, int stock) {
        return new PoolDefinition(ref, opensAt, closesAt, perActorLimit, stock, List.of(), false);
    }
}
