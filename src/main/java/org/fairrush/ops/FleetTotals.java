package org.fairrush.ops;

import java.util.HashMap;
import java.util.Map;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The dashboard's counters summed over the fleet, in one Redis hash that every instance shares: once per
 * dashboard sample, an instance adds what its own counters grew by since its last sample (HINCRBY, one per
 * counter that moved), then reads the sums. Rates computed from the sums are the whole fleet's, whichever
 * instance a dashboard is connected to. Nothing is added to a grab: the counters are the Micrometer ones the
 * grab already increments, and they reach Redis from the sampler. An instance's part is at most one sample
 * interval late; what a killed instance counted after its last sample is lost from the sums (not from
 * Prometheus, which scrapes each instance).
 */
final class FleetTotals {

    private final ReactiveStringRedisTemplate redis;
    private final String key;
    private Map<String, Long> added = Map.of();

    /** @param key the shared hash, e.g. "fr:live:totals" */
    FleetTotals(ReactiveStringRedisTemplate redis, String key) {
        this.redis = redis;
        this.key = key;
    }

    /**
     * Adds this instance's growth since the last call, then reads the fleet's sums.
     *
     * @param local this instance's counters since it started (they only grow)
     */
    Mono<Map<String, Long>> addAndRead(Map<String, Long> local) {
        Map<String, Long> growth = new HashMap<>();
        synchronized (this) {
            local.forEach((name, total) -> {
                long grown = total - added.getOrDefault(name, 0L);
                if (grown > 0) {
                    growth.put(name, grown);
                }
            });
            // Counted as added before Redis confirms: a failed add loses this growth from the sums rather than
            // risking it twice (an HINCRBY may have gone through before its answer was lost).
            added = Map.copyOf(local);
        }
        return Flux.fromIterable(growth.entrySet())
                .flatMap(counter -> redis.opsForHash().increment(key, counter.getKey(), counter.getValue()))
                .then(redis.<String, String>opsForHash().entries(key)
                        .collectMap(Map.Entry::getKey, entry -> Long.parseLong(entry.getValue())));
    }
}
