package org.fairrush.ops;

import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations' jobs that read Redis on a timer (the minute's reconciliation, the live board's sampler) run with their
 * context and stop before the Redis connections do, so that no run meets a stopped connection factory while the
 * service stops (or while the test framework pauses a context). The live board stopped only when its bean was
 * destroyed, after the factory: {@code ShutdownTest} caught a sample's dropped errors once.
 */
@FairrushTest
class OpsJobsLifecycleTest {

    @Autowired
    MinuteReconciliation minute;
    @Autowired
    LiveBoard liveBoard;
    @Autowired
    LettuceConnectionFactory redis;

    @Test
    void theMinutesReconciliationRunsWithTheContextAndStopsBeforeTheRedisConnections() {
        assertRunsWithTheContextAndStopsBeforeTheRedisConnections(minute);
    }

    @Test
    void theLiveBoardRunsWithTheContextAndStopsBeforeTheRedisConnections() {
        assertRunsWithTheContextAndStopsBeforeTheRedisConnections(liveBoard);
    }

    private void assertRunsWithTheContextAndStopsBeforeTheRedisConnections(SmartLifecycle job) {
        assertThat(job.isRunning()).isTrue();
        // A context stops its lifecycles from the highest phase down: a higher phase than the factory's stops first.
        assertThat(job.getPhase()).as("stops before the Redis connection factory").isGreaterThan(redis.getPhase());
        try {
            job.stop();
            assertThat(job.isRunning()).isFalse();
        } finally {
            job.start();
        }
        assertThat(job.isRunning()).isTrue();
    }
}
