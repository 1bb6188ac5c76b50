package org.fairrush.ops;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.fairrush.devstack.DevStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's sums over the fleet, on the test run's real Redis: two instances add their own counters to one
 * hash, each only what grew since its last sample, and both read the same fleet-wide sums.
 */
class FleetTotalsTest {

    private final LettuceConnectionFactory connections = connect();
    private final ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connections);
    private final String key = DevStack.forTests().properties().get("fairrush.rush.key-prefix") + "-" + UUID.randomUUID() + ":live:totals";

    @AfterEach
    void tearDown() {
        redis.delete(key).block(Duration.ofSeconds(5));
        connections.destroy();
    }

    @Test
    void twoInstancesReadTheSumOfBothAndEachAddsOnlyItsGrowth() {
        FleetTotals a = new FleetTotals(redis, key);
        FleetTotals b = new FleetTotals(redis, key);

        a.addAndRead(Map.of("claims:CREATED", 3L, "claims:SOLD_OUT", 1L, "stored", 0L)).block();
        Map<String, Long> seenByB = b.addAndRead(Map.of("claims:CREATED", 2L, "stored", 5L)).block();
        assertThat(seenByB).containsEntry("claims:CREATED", 5L).containsEntry("claims:SOLD_OUT", 1L).containsEntry("stored", 5L);

        Map<String, Long> seenByA = a.addAndRead(Map.of("claims:CREATED", 4L, "claims:SOLD_OUT", 1L, "stored", 0L)).block();
        assertThat(seenByA).as("A added one more grab, nothing twice").containsEntry("claims:CREATED", 6L)
                .containsEntry("claims:SOLD_OUT", 1L).containsEntry("stored", 5L);
        assertThat(b.addAndRead(Map.of("claims:CREATED", 2L, "stored", 5L)).block()).isEqualTo(seenByA);
    }

    @Test
    void aRestartedInstanceAddsWhatItCountsAfterTheRestart() {
        new FleetTotals(redis, key).addAndRead(Map.of("claims:CREATED", 10L)).block();

        FleetTotals restarted = new FleetTotals(redis, key);
        assertThat(restarted.addAndRead(Map.of("claims:CREATED", 2L)).block()).containsEntry("claims:CREATED", 12L);
        assertThat(restarted.addAndRead(Map.of("claims:CREATED", 2L)).block()).containsEntry("claims:CREATED", 12L);
    }

    private static LettuceConnectionFactory connect() {
        URI uri = URI.create((String) DevStack.forTests().properties().get("spring.data.redis.url"));
        LettuceConnectionFactory connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        connections.afterPropertiesSet();
        connections.start();
        return connections;
    }
}
