package org.fairrush.rush;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.recovery.ScopeRebuild;

/**
 * What Postgres implies a scope's Redis state to be: what {@link ScopeRebuild#write} writes after Redis lost
 * its data.
 *
 * @param scope   the scope (a campaign, a fair), see {@link PoolRef#single}
 * @param holders claims each actor holds in the scope, released ones not counted
 * @param claims  the current state of each claim of the scope's pools with items or a waiting list (what a
 *                release reads), released ones included so that releasing again is answered as before;
 *                empty for a counted pool without a waiting list
 * @param pools   the scope's pools
 */
public record ScopeState(PoolRef scope, Map<String, Integer> holders, List<ClaimRecorded> claims, List<Pool> pools) {

    public ScopeState {
        holders = Map.copyOf(holders);
        claims = List.copyOf(claims);
        pools = List.copyOf(pools);
    }

    /**
     * One pool of the scope.
     *
     * @param definition the pool as its feature defines it; an item pool has its items here even when all are held
     * @param remaining  units left (counted pools; for item pools the number of free items)
     * @param freeItems  items nobody holds, in the order they are to be handed out (item pools)
     * @param waiting    claims waiting for the pool, next first
     * @param assigned   whether the pool's items were handed out in a decided order (a lottery drawn)
     */
    public record Pool(PoolDefinition definition, long remaining, List<String> freeItems, List<UUID> waiting, boolean assigned) {

        public Pool {
            freeItems = List.copyOf(freeItems);
            waiting = List.copyOf(waiting);
            if (!definition.items().isEmpty() && remaining != freeItems.size()) {
                throw new IllegalArgumentException("an item pool's remaining units are its free items");
            }
        }

        /** A counted pool without a waiting list (a campaign's vouchers). */
        public static Pool counted(PoolDefinition definition, long remaining) {
            return new Pool(definition, remaining, List.of(), List.of(), false);
        }

        public boolean items() {
            return !definition.items().isEmpty();
        }
    }
}
