package org.fairrush.rush;

import java.time.Instant;

import reactor.core.publisher.Flux;

/**
 * Port a feature implements to show its live pools to the operators (metrics per pool and the live
 * dashboard): campaigns today, fairs' stall categories once they exist. Only pools worth watching are
 * listed (open, about to open or closed a short while ago), so per-pool metric tags stay few.
 */
public interface WatchedPools {

    /** The heading the dashboard groups these pools under, e.g. "Campaigns" or "Fairs". */
    String group();

    /** The pools worth watching at {@code now}, at most {@code limit} of them. */
    Flux<WatchedPool> watched(Instant now, int limit);

    /**
     * @param ref    the pool
     * @param name   what union staff call it, e.g. "Spend 30, save 20" or "Autumn fair / Food"
     * @param stock  units the pool started with
     * @param stored claims of the pool already stored in Postgres
     */
    record WatchedPool(PoolRef ref, String name, long stock, long stored) {
    }
}
