package org.fairrush.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One frame of the live dashboard, sent every second over Server-Sent Events.
 *
 * @param at        when it was read
 * @param instance  which instance answered (every number is the whole fleet's, whichever instance answers)
 * @param groups    the watched pools by feature heading ("Campaigns", "Fairs")
 * @param outcomes  claim attempts per second by outcome, all instances together (FleetTotals)
 * @param totals    claim attempts by outcome, all instances together, since the fleet's sums began
 * @param persister the path to Postgres
 * @param problem   why this frame is incomplete (e.g. Redis unreachable), or null
 */
record LiveSnapshot(Instant at, String instance, List<Group> groups, Map<String, Double> outcomes, Map<String, Long> totals,
        Persister persister, String problem) {

    record Group(String name, List<Pool> pools) {
    }

    /**
     * @param id             e.g. "c:42" or "f:7/FOOD"
     * @param remaining      units left in Redis, -1 when the pool is not loaded
     * @param pending        claims taken in Redis whose events are not stored in Postgres yet
     * @param waiting        claims on the waiting list
     * @param stored         claims stored in Postgres
     * @param takenPerSecond units taken per second over the last interval, all instances together
     */
    record Pool(String id, String name, long stock, long remaining, long pending, long waiting, long stored,
            double takenPerSecond) {
    }

    /**
     * @param lag             claim events in Kafka not yet stored (all persisters), null when unknown
     * @param storedPerSecond claims stored per second by all persisters together
     */
    record Persister(Long lag, double storedPerSecond) {
    }
}
