package org.fairrush.rush.lua;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import io.lettuce.core.RedisClient;
import org.fairrush.FairrushTest;
import org.fairrush.devstack.FreePortsForTests;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * fairrush.rush.redis-replica-acks on a real Redis primary with one replica (two redis-server processes): a
 * claim is acknowledged once the replica has it, and reversed (BUSY) when no replica confirms in time.
 */
@Tag(FairrushTest.SERVERS)
class ReplicaAcksTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");

    private final Path home = temporaryDirectory();
    private final int primaryPort = FreePortsForTests.next();
    private final Process primary = redis(primaryPort);
    private final int replicaPort = FreePortsForTests.next();
    private final Process replica = redis(replicaPort, "--replicaof", "127.0.0.1", Integer.toString(primaryPort));
    private final LettuceConnectionFactory connections = connections(primaryPort);
    private final ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connections);
    private final RedisClient client = RedisClient.create("redis://127.0.0.1:" + primaryPort);
    private final ReplicaAcks acks = new ReplicaAcks(client, 1, Duration.ofSeconds(3));
    private final RushProperties properties = properties();
    private final PoolRef pool = PoolRef.single("c", "91");

    @AfterEach
    void tearDown() {
        acks.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        connections.destroy();
        primary.destroyForcibly();
        replica.destroyForcibly();
        try (var files = Files.walk(home)) {
            primary.waitFor();
            replica.waitFor();
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestEngine engine() {
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
        TestEngine engine = TestEngine.of(redis, new ClaimCodec(JsonMapper.builder().findAndAddModules().build()),
                new ReplicaAckingPublisher(kafka, acks, properties.keyPrefix()),
                new SoldOutBoard(redis, properties.keyPrefix()), Clock.fixed(NOW, ZoneOffset.UTC), properties);
        engine.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 5)).block();
        return engine;
    }

    @Test
    void grantsOnceTheReplicaHasTheClaim() {
        awaitReplicaOnline();
        TestEngine engine = engine();

        assertThat(engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block()).isInstanceOf(ClaimOutcome.Granted.class);
        assertThat(engine.queries().remaining(pool).block()).isEqualTo(4);
    }

    @Test
    void reversesTheClaimWhenNoReplicaConfirmsInTime() throws InterruptedException {
        awaitReplicaOnline();
        TestEngine engine = engine();
        replica.destroyForcibly().waitFor();

        assertThat(engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block()).isInstanceOf(ClaimOutcome.Busy.class);
        assertThat(engine.queries().remaining(pool).block()).isEqualTo(5);
    }

    private void awaitReplicaOnline() {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (var connection = client.connect()) {
                return connection.sync().info("replication").contains("connected_slaves:1")
                        && connection.sync().info("replication").contains("state=online");
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    private Process redis(int port, String... more) {
        try {
            Path dir = Files.createDirectories(home.resolve(Integer.toString(port)));
            var command = new java.util.ArrayList<>(java.util.List.of("redis-server", "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
            command.addAll(java.util.List.of(more));
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static LettuceConnectionFactory connections(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("fairrush-replica-acks-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static RushProperties properties() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("fairrush.rush.key-prefix", "fra");
        settings.put("fairrush.rush.send-timeout", "5s");
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("fairrush.rush", Bindable.of(RushProperties.class));
    }
}
