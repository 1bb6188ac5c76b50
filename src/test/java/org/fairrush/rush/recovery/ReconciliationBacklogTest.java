package org.fairrush.rush.recovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.Buckets;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The minute's reconciliation leaves out a pool whose pending claims are the persisters' backlog (more than
 * {@link PoolQueries#PENDING_BACKLOG} while they are behind) and checks it again once they have caught up; on demand,
 * every pool is checked (docs/design.md section 11, note 53).
 */
@FairrushTest
class ReconciliationBacklogTest {

    @Autowired
    PoolRegistry registry;
    @Autowired
    PoolQueries queries;
    @Autowired
    List<ClaimSink> sinks;
    @Autowired
    ClaimCodec codec;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    Buckets buckets;
    @Autowired
    Clock clock;
    @Autowired
    WebTestClient http;

    private Reconciliation withLag(long lag) {
        return new Reconciliation(registry, queries, redis, sinks, () -> Mono.just(lag), clock, buckets);
    }

    private static boolean reports(Reconciliation.Report report, PoolRef pool) {
        return report.pools().stream().anyMatch(checked -> checked.scope().equals(pool.scope()) && checked.kind().equals(pool.kind()));
    }

    @Test
    void theMinutesCheckLeavesABacklogUntilThePersistersHaveCaughtUp() {
        long backlogged = new Api(http).createCampaign(Fixtures.openCampaign(10_000, 1));
        long quiet = new Api(http).createCampaign(Fixtures.openCampaign(10, 1));
        PoolRef pool = PoolRef.single("c", Long.toString(backlogged));
        PoolRef quietPool = PoolRef.single("c", Long.toString(quiet));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<String, String> backlog = new HashMap<>();
        for (int i = 0; i <= PoolQueries.PENDING_BACKLOG; i++) {
            ClaimRecorded claim = VoucherClaims.of(pool, "m-" + i, at, ClaimRecorded.HELD);
            backlog.put(claim.eventId().toString(), codec.write(claim));
        }
        redis.<String, String>opsForHash().putAll(registry.keys(pool).pending(), backlog).block(Duration.ofSeconds(10));

        Reconciliation.Report behind = withLag(5).allButBacklogs().block(Duration.ofSeconds(60));
        assertThat(reports(behind, pool)).as("the backlogged pool, persisters behind").isFalse();
        assertThat(reports(behind, quietPool)).as("a pool with nothing pending, persisters behind").isTrue();
        assertThat(behind.consumerLag()).isEqualTo(5);

        assertThat(reports(withLag(0).allButBacklogs().block(Duration.ofSeconds(60)), pool)).as("persisters caught up").isTrue();
        assertThat(reports(withLag(5).all().block(Duration.ofSeconds(60)), pool)).as("on demand").isTrue();
    }
}
