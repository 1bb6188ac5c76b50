package org.fairrush.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.fairrush.devstack.RedisClusterServers;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16's measurement on the Redis Cluster fixture (3 primaries, in this JVM's machine): one campaign claimed by
 * more members than it has units, with 1, 4 and 8 buckets; per primary the script calls it ran (INFO commandstats,
 * evalsha + eval), the moves between buckets, and the claims per second of the engine alone (no Kafka, no HTTP), in
 * alternating rounds; each run must grant every unit and leave none. A benchmark run by hand, skipped otherwise
 * (docs/benchmarks.md, "Issue 16"): {@code ./mvnw test -Dtest=BucketSpreadBench -Dfairrush.bench=bucket-spread
 * -Dfairrush.bench.stock=4000 -Dfairrush.bench.rounds=3}; the table is printed on the test's output. (A test class
 * rather than a main: a second main among the test classes would leave spring-boot:test-run unable to choose.)
 */
@EnabledIfSystemProperty(named = "fairrush.bench", matches = "bucket-spread", disabledReason = "a benchmark, run by hand")
class BucketSpreadBench {

    @Test
    void scriptCallsPerPrimaryWithOneFourAndEightBuckets() {
        int stock = Integer.getInteger("fairrush.bench.stock", 20_000);
        int rounds = Integer.getInteger("fairrush.bench.rounds", 3);
        try (RedisClusterServers cluster = RedisClusterServers.start(3)) {
            ReactiveStringRedisTemplate redis = cluster.template();
            List<StatefulRedisConnection<String, String>> nodes = new ArrayList<>();
            for (String node : cluster.nodes()) {
                nodes.add(RedisClient.create("redis://" + node).connect());
            }
            System.out.println("| round | buckets | claims/s | answers | units left | moves | script calls per primary |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int round = 1; round <= rounds; round++) {
                for (int buckets : new int[] {1, 4, 8}) {
                    System.out.println(run(redis, nodes, round, buckets, stock));
                }
            }
            nodes.forEach(StatefulRedisConnection::close);
        }
    }

    private static String run(ReactiveStringRedisTemplate redis, List<StatefulRedisConnection<String, String>> nodes, int round,
            int buckets, int stock) {
        String prefix = "bench" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> settings = new HashMap<>();
        settings.put("fairrush.rush.key-prefix", prefix);
        RushProperties properties = new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("fairrush.rush",
                Bindable.of(RushProperties.class));
        ClaimPublisher nowhere = new ClaimPublisher() {
            @Override
            public Mono<Void> publish(ClaimRecorded claim) {
                return Mono.empty();
            }

            @Override
            public Mono<Void> deadLetter(DeadLetter letter) {
                return Mono.empty();
            }
        };
        Instant now = Instant.now();
        TestEngine engine = TestEngine.of(redis, new ClaimCodec(JsonMapper.builder().findAndAddModules().build()), nowhere,
                new SoldOutBoard(redis, prefix), Clock.fixed(now, ZoneOffset.UTC), properties);
        PoolRef whole = PoolRef.single("c", "16");
        engine.registry().define(PoolDefinition.counted(whole, now.minusSeconds(60), now.plusSeconds(3600), 1, stock), buckets).block();
        nodes.forEach(node -> node.sync().configResetstat());
        // As many members as units: some buckets' members run short of units, others have units left over, which the
        // moves hand on (with more demand than stock, every bucket's own members empty it and nothing moves).
        int demand = stock;
        long started = System.nanoTime();
        Map<String, Long> outcomes = Flux.range(0, demand)
                .flatMap(i -> engine.claims().claim(whole, buckets, member(i), "key-" + i, Map.of(), UUID.randomUUID()), 64)
                .collect(java.util.stream.Collectors.groupingBy(outcome -> outcome instanceof ClaimOutcome.Refused refused
                        ? refused.reason().name() : outcome.getClass().getSimpleName(), java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                .block(Duration.ofMinutes(10));
        long left = engine.queries().remaining(whole).block();
        assertThat(outcomes).as("as many members as units: every unit granted").containsEntry("Granted", (long) stock);
        assertThat(left).as("units left").isZero();
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Long> calls = nodes.stream().map(node -> scriptCalls(node.sync().info("commandstats"))).toList();
        long moves = Flux.range(0, buckets).concatMap(bucket -> redis.opsForSet().size(prefix + ":{c:16" + (bucket == 0 ? "" : "~" + bucket)
                + "}:received")).reduce(0L, Long::sum).block();
        redis.scan(org.springframework.data.redis.core.ScanOptions.scanOptions().match(prefix + ":*").build())
                .flatMap(redis::unlink).blockLast(Duration.ofMinutes(1));
        return String.format("| %d | %d | %.0f | %s | %d | %d | %s |", round, buckets, demand / seconds, outcomes, left, moves, calls);
    }

    /**
     * Member ids as a real union's look: unrelated strings (a UUID from the index). Sequential ids ("member-1", ..) fall
     * into CRC-32C buckets almost exactly evenly, which no real crowd does.
     */
    private static String member(int i) {
        return UUID.nameUUIDFromBytes(("member-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    private static long scriptCalls(String commandstats) {
        long calls = 0;
        for (String line : commandstats.split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:") || line.startsWith("cmdstat_evalsha_ro:")) {
                calls += Long.parseLong(line.replaceAll("^[^:]+:calls=(\\d+),.*", "$1"));
            }
        }
        return calls;
    }
}
