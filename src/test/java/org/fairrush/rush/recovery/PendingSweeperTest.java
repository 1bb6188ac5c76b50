package org.fairrush.rush.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.lua.ClaimScript;
import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.TransferScripts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A claim recorded in Redis whose instance died before it reached Kafka: the claim script ran, the send
 * never happened. The sweeper republishes it and the persister stores it.
 */
@FairrushTest
class PendingSweeperTest {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties properties;
    @Autowired
    ClaimCodec codec;
    @Autowired
    PendingSweeper sweeper;

    @Test
    void republishesAClaimThatNeverReachedKafka() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 1));
        PoolRef pool = PoolRef.single("c", Long.toString(campaignId));
        PoolKeys keys = new PoolKeys(properties.keyPrefix(), pool);
        Instant longAgo = Instant.now().minus(properties.sweepAfter()).minusSeconds(1);
        ClaimRecorded orphan = new ClaimScript(redis, codec, properties.idempotencyTtl())
                .run(keys, ClaimRecorded.draft(pool, "crashed-member", longAgo, Map.of("code", campaignId + "-SWPT-AAAA-0001")),
                        "key-of-a-dead-request", longAgo)
                .block().claim();

        // Only the sweeper publishes a claim that exists in Redis alone: this pass, or the scheduled one.
        sweeper.sweep().block();

        await().atMost(Duration.ofSeconds(30)).until(() -> db.sql("select count(*) from voucher where id = :id")
                .bind("id", orphan.eventId()).map(row -> row.get(0, Long.class)).one().block() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.opsForHash().size(keys.pending()).block() == 0);
    }

    @Test
    void completesAMoveBetweenBucketsThatItsInstanceLeftHalfDone() {
        Map<String, Object> body = Fixtures.openCampaign(8, 1);
        body.put("buckets", 4);
        long campaignId = new Api(http).createCampaign(body);
        PoolRef whole = PoolRef.single("c", Long.toString(campaignId));
        PoolKeys giver = new PoolKeys(properties.keyPrefix(), whole.inBucket(1));
        PoolKeys receiver = new PoolKeys(properties.keyPrefix(), whole.inBucket(2));
        Instant longAgo = Instant.now().minus(properties.sweepAfter()).minusSeconds(1);
        // An instance gave one of bucket 1's two units to bucket 2 and died before crediting it.
        assertThat(new TransferScripts(redis).give(giver, "move-of-a-dead-instance", 2, longAgo).block().units()).isEqualTo(1);

        sweeper.sweep().block();

        await().atMost(Duration.ofSeconds(10)).until(() -> redis.opsForHash().size(giver.transfers()).block() == 0);
        assertThat(redis.opsForValue().get(receiver.stock()).block()).isEqualTo("3");
        assertThat(((Number) new Api(http).campaign(campaignId).get("remaining")).longValue()).as("no unit made or lost").isEqualTo(8);
    }

    @Test
    void leavesYoungAndAcknowledgedClaimsAlone() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 1));
        PoolRef pool = PoolRef.single("c", Long.toString(campaignId));
        PoolKeys keys = new PoolKeys(properties.keyPrefix(), pool);
        new ClaimScript(redis, codec, properties.idempotencyTtl())
                .run(keys, ClaimRecorded.draft(pool, "in-flight-member", Instant.now(), Map.of("code", campaignId + "-SWPT-AAAA-0002")),
                        "key-of-a-live-request", Instant.now())
                .block();

        sweeper.sweep().block();

        assertThat(redis.opsForSet().size(keys.confirmed()).block()).as("a young claim is not republished").isZero();
    }
}
