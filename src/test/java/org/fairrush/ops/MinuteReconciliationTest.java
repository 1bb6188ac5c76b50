package org.fairrush.ops;

import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The minute's reconciliation runs with its context and stops before the Redis connections do, so that no run meets a
 * stopped connection factory while the service stops (or while the test framework pauses a context).
 */
@FairrushTest
class MinuteReconciliationTest {

    @Autowired
    MinuteReconciliation minute;
    @Autowired
    LettuceConnectionFactory redis;

    @Test
    void runsWithTheContextAndStopsBeforeTheRedisConnections() {
        assertThat(minute.isRunning()).isTrue();
        // A context stops its lifecycles from the highest phase down: a higher phase than the factory's stops first.
        assertThat(minute.getPhase()).as("stops before the Redis connection factory").isGreaterThan(redis.getPhase());
        try {
            minute.stop();
            assertThat(minute.isRunning()).isFalse();
        } finally {
            minute.start();
        }
        assertThat(minute.isRunning()).isTrue();
    }
}
