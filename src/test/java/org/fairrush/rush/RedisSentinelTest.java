package org.fairrush.rush;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.devstack.RedisSentinelServers;
import org.fairrush.rush.ClaimOutcome.Granted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis through Sentinel, configured only by Boot's own properties (spring.data.redis.sentinel.master and
 * .nodes, as k8s/overlays/example sets them): the engine defines a pool, grants and replays claims through the
 * primary the sentinel names, and goes on doing so after the sentinel has failed over to the replica (the
 * client asks the sentinel again when the demoted primary drops it). Real redis-server processes: a primary, a
 * replica and a sentinel (RedisSentinelServers); skipped where no redis-server is on the PATH.
 */
@Tag(FairrushTest.SERVERS)
class RedisSentinelTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");
    private static RedisSentinelServers servers;

    @BeforeAll
    static void startSentinel() {
        assumeTrue(RedisSentinelServers.available(), "no redis-server on the PATH (apt-get install redis-server): Sentinel is not tested");
        servers = RedisSentinelServers.start();
    }

    @AfterAll
    static void stopSentinel() {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void theEngineGrantsThroughTheSentinelsPrimaryBeforeAndAfterAFailover() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.sentinel.master=" + RedisSentinelServers.MASTER,
                        "spring.data.redis.sentinel.nodes=" + servers.sentinelNodes(), "spring.data.redis.timeout=5s")
                .run(context -> {
                    assertThat(context.getBean(RedisConnectionFactory.class).getSentinelConnection()).as("a sentinel-aware factory").isNotNull();
                    ReactiveStringRedisTemplate redis = context.getBean(ReactiveStringRedisTemplate.class);
                    RushProperties properties = new Binder(new MapConfigurationPropertySource(Map.of("fairrush.rush.key-prefix", "frs")))
                            .bindOrCreate("fairrush.rush", Bindable.of(RushProperties.class));
                    ClaimPublisher kafka = new ClaimPublisher() {
                        @Override
                        public Mono<Void> publish(ClaimRecorded claim) {
                            return Mono.empty();
                        }

                        @Override
                        public Mono<Void> deadLetter(DeadLetter letter) {
                            return Mono.empty();
                        }
                    };
                    TestEngine engine = TestEngine.of(redis, new ClaimCodec(JsonMapper.builder().findAndAddModules().build()), kafka,
                            new SoldOutBoard(redis, properties.keyPrefix()), Clock.fixed(NOW, ZoneOffset.UTC), properties);
                    PoolRef pool = PoolRef.single("c", "sentinel");
                    assertThat(engine.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 3)).block()).isTrue();
                    Granted first = (Granted) engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();
                    int before = servers.currentPrimaryPort();

                    servers.failover();

                    assertThat(servers.currentPrimaryPort()).isNotEqualTo(before);
                    ClaimOutcome replay = engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();
                    assertThat(replay).as("the replay, answered by the new primary").isInstanceOfSatisfying(Granted.class, granted -> {
                        assertThat(granted.replayed()).isTrue();
                        assertThat(granted.claim().eventId()).isEqualTo(first.claim().eventId());
                    });
                    assertThat(engine.claims().claim(pool, "m-2", "key-00002", Map.of()).block()).isInstanceOf(Granted.class);
                    assertThat(engine.queries().remaining(pool).block()).isEqualTo(1);
                    assertThat(redis.execute(connection -> connection.serverCommands().info("server")).blockFirst().getProperty("tcp_port"))
                            .as("the engine talks to the new primary").isEqualTo(Integer.toString(servers.currentPrimaryPort()));
                });
    }
}
