package org.fairrush.voucher;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.devstack.DevStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Scanning a well-formed code that is not in Postgres costs one Redis lookup, however many claims of its campaign
 * are pending: the service runs here as a Redis user that may not read a hash whole (HVALS, HGETALL, HKEYS, HSCAN
 * are refused), so a lookup that walked the campaign's pending claims would fail. The persister is off, so a
 * voucher just grabbed stays pending.
 */
@FairrushTest
@TestPropertySource(properties = "fairrush.rush.persister.enabled=false")
class UnknownCodeLookupTest {

    private static final String USER = "fr-edges-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PASSWORD = UUID.randomUUID().toString();

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void redisUserWithoutWholeHashReads(DynamicPropertyRegistry registry) {
        URI redis = URI.create((String) DevStack.forTests().properties().get("spring.data.redis.url"));
        acl("SETUSER", USER, "on", ">" + PASSWORD, "~*", "&*", "+@all", "-hvals", "-hgetall", "-hkeys", "-hscan");
        registry.add("spring.data.redis.url", () -> "redis://" + USER + ":" + PASSWORD + "@" + redis.getHost() + ":" + redis.getPort());
    }

    @AfterAll
    static void removeUser() {
        withRedis(redis -> redis.sync().aclDeluser(USER));
    }

    private static void acl(String... arguments) {
        withRedis(redis -> redis.sync().dispatch(io.lettuce.core.protocol.CommandType.ACL,
                new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).addValues(arguments)));
    }

    private static void withRedis(java.util.function.Consumer<StatefulRedisConnection<String, String>> work) {
        RedisClient client = RedisClient.create((String) DevStack.forTests().properties().get("spring.data.redis.url"));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            work.accept(connection);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void anUnknownCodeIsAnsweredNotFoundWithoutReadingThePendingClaims() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(50, 1));
        for (int i = 0; i < 20; i++) {
            api.grabbed("pending-member-" + i, campaignId);
        }

        api.redeem("stall-1", Fixtures.idempotencyKey(), campaignId + "-AAAA-BBBB-CCCC", 5000)
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("VOUCHER_NOT_FOUND");
    }

    @Test
    void aCodeGrabbedAMomentAgoIsStillFoundPending() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(5, 1));
        Map<?, ?> voucher = api.grabbed("just-grabbed", campaignId);

        api.redeem("stall-1", Fixtures.idempotencyKey(), (String) voucher.get("code"), 5000)
                .expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.code").isEqualTo("BUSY");
    }
}
