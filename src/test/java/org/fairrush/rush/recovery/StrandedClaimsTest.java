package org.fairrush.rush.recovery;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
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
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PENDING record whose claim is stored but whose clear was lost (Redis away after the commit, or the persister
 * killed between commit and clear) is cleared by the next pass; one not stored yet, or too young, is left alone.
 */
@FairrushTest
class StrandedClaimsTest {

    @Autowired
    StrandedClaims stranded;
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
    TransactionalOperator transaction;
    @Autowired
    WebTestClient http;

    @Test
    void clearsThePendingRecordOfAStoredClaimAndLeavesTheOthers() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 1));
        PoolRef scope = PoolRef.single("c", Long.toString(campaignId));
        Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS);
        ClaimRecorded storedButPending = VoucherClaims.of(scope, "m-1", anHourAgo, ClaimRecorded.HELD);
        ClaimRecorded notStored = VoucherClaims.of(scope, "m-2", anHourAgo, ClaimRecorded.HELD);
        ClaimRecorded storedJustNow = VoucherClaims.of(scope, "m-3", Instant.now().truncatedTo(ChronoUnit.MICROS), ClaimRecorded.HELD);
        VoucherClaims.store(sinks, transaction, List.of(storedButPending, storedJustNow), Duration.ofSeconds(10));
        for (ClaimRecorded claim : List.of(storedButPending, notStored, storedJustNow)) {
            redis.opsForHash().put(registry.keys(scope).pending(), claim.eventId().toString(), codec.write(claim)).block();
        }

        assertThat(stranded.pass().block(Duration.ofSeconds(30))).isEqualTo(1);

        assertThat(redis.<String, String>opsForHash().keys(registry.keys(scope).pending()).collectList().block())
                .containsExactlyInAnyOrder(notStored.eventId().toString(), storedJustNow.eventId().toString());
    }

    /**
     * A scope holding more than {@link PoolQueries#PENDING_BACKLOG} pending records is not read while the persisters are
     * behind (its records are then the backlog), and is read whole once they have caught up.
     */
    @Test
    void leavesABacklogForLaterWhileThePersistersAreBehind() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 1));
        PoolRef scope = PoolRef.single("c", Long.toString(campaignId));
        Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS);
        ClaimRecorded storedButPending = VoucherClaims.of(scope, "m-1", anHourAgo, ClaimRecorded.HELD);
        VoucherClaims.store(sinks, transaction, List.of(storedButPending), Duration.ofSeconds(10));
        Map<String, String> backlog = new HashMap<>();
        backlog.put(storedButPending.eventId().toString(), codec.write(storedButPending));
        for (int i = 0; i < PoolQueries.PENDING_BACKLOG; i++) {
            ClaimRecorded notStoredYet = VoucherClaims.of(scope, "b-" + i, anHourAgo, ClaimRecorded.HELD);
            backlog.put(notStoredYet.eventId().toString(), codec.write(notStoredYet));
        }
        redis.opsForHash().putAll(registry.keys(scope).pending(), backlog).block();
        String pending = registry.keys(scope).pending();

        passWithLag(5).block(Duration.ofSeconds(30));
        assertThat(redis.opsForHash().hasKey(pending, storedButPending.eventId().toString()).block()).isTrue();

        passWithLag(0).block(Duration.ofSeconds(60));
        assertThat(redis.opsForHash().hasKey(pending, storedButPending.eventId().toString()).block()).isFalse();
        assertThat(redis.opsForHash().size(pending).block()).isEqualTo(PoolQueries.PENDING_BACKLOG);
    }

    /** A pass over this test context's pools as if the persisters were {@code lag} events behind. */
    private reactor.core.publisher.Mono<Long> passWithLag(long lag) {
        return new StrandedClaims(registry, queries, redis, sinks, codec, java.time.Clock.systemUTC(), Duration.ofMinutes(1),
                Duration.ofSeconds(10), () -> reactor.core.publisher.Mono.just(lag)).pass();
    }

}
